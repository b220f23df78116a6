"""The site's shell: home page, language choice, public people pages, errors."""
