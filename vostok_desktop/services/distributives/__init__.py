"""Distributives («Дистрибутивы»): the catalogue of systems, clients' kits, distributives,
their movements, the warehouse, the card page, the agent's list and the reports. No Qt.

Modules: ``catalogue`` (systems), ``kits`` (комплекты, the ЗВЭ flag), ``movements``
(подключение, отключение, передача прав, замена, пополнение комплекта, резерв, выдача на
ознакомление, возврат на склад — each validated against the current state and applied
in one transaction), ``warehouse`` (оприходование, stock, reservations, overdue demo
copies), ``terms`` (engineer, fixed price or discount), ``state`` (the card page and the
state on a past date), ``search`` (the keyset list of «Дистрибутивы»), ``reports``.

Every write returns plain data or ids, never live ORM objects; every refusal is a
:class:`~vostok_desktop.services.distributives.common.MovementRefused` (a
ValidationError) with a Russian message naming the distributive, or an
:class:`~vostok_desktop.services.access.rights.AccessDenied` from the server.
"""
