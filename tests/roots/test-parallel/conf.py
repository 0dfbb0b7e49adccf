extensions = ["szpub"]
language = "en"
szpub_languages = ["en"]
szpub_slug = "parallel"
szpub_release = {
    "title": "Parallel release",
    "source": "Test Daily",
    "portal": "Test Portal",
    "updated": "2024-01-26T10:01:00+08:00",
    "subject": "Enough pages for sphinx-build -j 2 to read them in worker processes",
}
szpub_figures = "figures.yaml"
exclude_patterns = ["figures.yaml"]
