"""A file's type is told by its first bytes, among the types its door allows; its name proves nothing."""

from volunteer_app.core import files


def test_a_type_is_found_by_its_first_bytes_among_those_allowed():
    assert files.detect(b"\x89PNG\r\n\x1a\n...", files.IMAGES) is files.PNG
    assert files.detect(b"\xff\xd8\xff\xe0...", files.IMAGES) is files.JPEG
    assert files.detect(b"%PDF-1.7 ...", (files.JPEG, files.PNG, files.PDF)) is files.PDF


def test_anything_else_is_none_of_them():
    assert files.detect(b"%PDF-1.7 ...", files.IMAGES) is None  # a PDF where only pictures are taken
    assert files.detect(b"<svg xmlns='http://www.w3.org/2000/svg'/>", files.IMAGES) is None
    assert files.detect(b"", files.IMAGES) is None
    assert files.detect(b"\x89PN", files.IMAGES) is None  # cut short


def test_a_name_takes_the_extension_of_the_type_found():
    assert files.named_for("扫描件.exe", "application/pdf") == "扫描件.pdf"
    assert files.named_for("photo.JPEG", "image/jpeg") == "photo.jpg"
    assert files.named_for("", "image/png") == "file.png"
    assert files.named_for("notes.txt", "application/octet-stream") == "notes"
