"""The SEO report dock: its model, view and height."""
