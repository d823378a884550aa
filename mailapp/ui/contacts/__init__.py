"""The contacts page: the table, its model and the import wizard."""
