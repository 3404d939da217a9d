"""One PDF reader over a folder of PDFs, as one command, for benchmarks.run.

    python -m benchmarks.read_pdfs {policygraph,pdfplumber,pdfium} FOLDER [--without-system-fonts]

`policygraph` is the project's PDF text path (ingest.decode, pdfium with its stand-in
font); `pdfplumber` is bare pdfplumber's extract_text on every page; `pdfium` is bare
pypdfium2's page text, pdfium left to the machine's fonts: the reader whose text the
fonts change, which shows that a setting hides them. Prints, as JSON, the
seconds spent reading (wall and CPU, from opening the first file, imports excluded) and
a digest of the text, so that runs under other fonts can be checked to read the same.

--without-system-fonts is a machine without fonts-noto-cjk, or any font: pdfium on Linux
finds the machine's fonts by scanning /usr/share/fonts and a few other folders (it does
not ask fontconfig), unless it is started with folders of the caller's own. It is
restarted here with one empty folder before either reader is imported.
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reader", choices=sorted(READERS))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--without-system-fonts", action="store_true")
    args = parser.parse_args()
    if args.without_system_fonts:
        _restart_pdfium_with_fonts_from(tempfile.mkdtemp(prefix="no-fonts-"))
    read = READERS[args.reader]()
    wall, cpu = time.perf_counter(), time.process_time()
    digest = hashlib.sha256()
    for path in sorted(args.folder.glob("*.pdf")):
        digest.update(read(path).encode("utf-8"))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "sha256": digest.hexdigest()}))


def _restart_pdfium_with_fonts_from(folder: str) -> None:
    """pypdfium2 starts pdfium on import with the default font folders; no document is
    open yet, so pdfium can be stopped and started again with `folder` alone."""
    import pypdfium2.raw as pdfium_c

    pdfium_c.FPDF_DestroyLibrary()
    config = pdfium_c.FPDF_LIBRARY_CONFIG(
        version=2, m_pUserFontPaths=_font_folders(folder), m_pIsolate=None, m_v8EmbedderSlot=0
    )
    pdfium_c.FPDF_InitLibraryWithConfig(config)


@functools.cache
def _font_folders(folder: str) -> ctypes.Array:
    """pdfium's NULL-ended list of font folders. Cached: the strings must outlive pdfium's use."""
    entry = ctypes.POINTER(ctypes.c_char)
    return (entry * 2)(ctypes.create_string_buffer(folder.encode()), None)


def _policygraph_reader() -> Callable[[Path], str]:
    from ingest.decode import decode_bytes

    # decode_bytes imports the PDF reader (pdfium, pdfplumber for tables) with the first PDF:
    # imported here, as the other readers import theirs, so that reading excludes imports.
    from ingest.pdf import read_pdf  # noqa: F401

    return lambda path: decode_bytes(path.read_bytes(), path.name).text


def _pdfplumber_reader() -> Callable[[Path], str]:
    import pdfplumber

    def read(path: Path) -> str:
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() for page in pdf.pages)

    return read


def _bare_pdfium_reader() -> Callable[[Path], str]:
    import pypdfium2

    def read(path: Path) -> str:
        document = pypdfium2.PdfDocument(path)
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()

    return read


READERS = {"policygraph": _policygraph_reader, "pdfplumber": _pdfplumber_reader, "pdfium": _bare_pdfium_reader}

if __name__ == "__main__":
    main()
