"""KPI: indicators, formulas, plans and facts by employee/department and period."""
