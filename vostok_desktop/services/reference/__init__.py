"""«Справочники»: departments, directions, client groups, custom fields, segment and
region values, and list filters / colour rules kept in the base. No Qt."""
