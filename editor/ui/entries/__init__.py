"""The entry list: its model, view and the rows it shows."""
