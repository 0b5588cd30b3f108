"""Education services («Учебный центр»): events, participants and their stages, invoices
for participants, the event's results («Итоги»), certificates, training records and
norms. No Qt."""
