"""Static files: URLs that carry the file's content hash are kept by browsers; other URLs are revalidated."""

import hashlib
import re
from pathlib import Path

from goi.site.static_versions import static_version


def test_static_urls_carry_the_hash_of_the_file(app, client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]+))"', html)
    assert css, "the stylesheet's URL carries no version"
    content = Path(app.static_folder, "css/app.css").read_bytes()
    assert css.group(2) == static_version("css/app.css") == hashlib.sha256(content).hexdigest()[:12]
    with client.get(css.group(1)) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age >= 365 * 24 * 3600
        assert response.cache_control.public and response.cache_control.immutable


def test_a_static_url_without_the_current_hash_is_revalidated(client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=0ld"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert not response.cache_control.max_age, url
            etag = response.headers["ETag"]
        with client.get(url, headers={"If-None-Match": etag}) as again:
            assert again.status_code == 304, url
