"""The entry form: fields by type and their checks, the FAQ and related-entry editors,
the SEO meter and findings, spell check and Markdown help."""
