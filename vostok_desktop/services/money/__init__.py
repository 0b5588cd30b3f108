"""Money: price lists, discounts, budgets, documents with amounts, billing, payments, debt. No Qt."""
