"""OpenDocument (odt/ods/odp, as written by LibreOffice and WPS): ``content.xml`` and the
header/footer text in ``styles.xml``, embedded objects, pictures (raster ones by OCR, EMF/WMF
by their text records and bitmaps); encrypted packages (manifest ``encryption-data``) are
``encrypted``."""

from __future__ import annotations

import posixpath
import re

from gateway.extract import xmltext
from gateway.extract.detect import Kind, sniff
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Unreadable, Walker
from gateway.extract.zipread import open_zip, read_member
from matchers.model import UnscannableReason

_PARA = frozenset({"p", "h"})
# pictures, and the pictures LibreOffice and WPS show in place of embedded objects (for an
# object from Microsoft Office usually a WMF or EMF holding the object's own drawing)
_PICTURES = ("Pictures/", "ObjectReplacements/")
_SVM = b"VCLMTF"  # StarView metafile, LibreOffice's own vector format
_META = frozenset({"title", "subject", "description", "keyword"})
_NOISE = re.compile(
    r"^(mimetype|settings\.xml|manifest\.rdf|META-INF/|Configurations2/|Thumbnails/)"
    r"|(^|/)(styles|settings|meta)\.xml$"
)


@extractor(Kind.ODF, Kind.ODT, Kind.ODS, Kind.ODP)
def extract_odf(data: bytes, node: Node, walker: Walker) -> None:
    with open_zip(data, node.name, walker, node.location) as zf:
        infos = {i.filename: i for i in zf.infolist() if not i.is_dir()}
        if len(infos) > walker.limits.max_members:
            raise Unreadable(UnscannableReason.LIMIT_MEMBERS, f"{node.name} 部件过多")

        done: set[str] = set()

        def read(name: str) -> bytes:
            done.add(name)
            return read_member(zf, infos[name], walker, f"{node.name}/{name}")

        if "META-INF/manifest.xml" in infos and b"encryption-data" in read("META-INF/manifest.xml"):
            raise Unreadable(UnscannableReason.ENCRYPTED, "OpenDocument 文档已加密（需要密码）")
        if "content.xml" not in infos:
            raise Unreadable(UnscannableReason.CORRUPT, "OpenDocument 缺少 content.xml")
        walker.text(node.at("正文"), xmltext.all_text(read("content.xml"), "content.xml", _PARA))
        if "styles.xml" in infos:
            styles = xmltext.all_text(read("styles.xml"), "styles.xml", _PARA)
            walker.text(node.at("页眉页脚"), styles)
        for name in sorted(infos):
            if name.startswith("Object ") and name.count("/") == 1 and name.endswith("content.xml"):
                walker.text(
                    node.at(f"嵌入对象 {posixpath.dirname(name)}"),
                    xmltext.all_text(read(name), name, _PARA),
                )
        if "meta.xml" in infos:
            walker.text(node.at("文档属性"), xmltext.all_text(read("meta.xml"), "meta.xml", _META))
        # anything else that holds text or a document (embedded files, smuggled parts)
        for name in sorted(infos):
            if name in done or _NOISE.search(name):
                continue
            blob = read(name)
            if name.startswith(_PICTURES) and walker.embedded_picture(
                blob, posixpath.basename(name), node.at(f"图片 {name}"), node.depth + 1
            ):
                continue  # raster pictures by OCR, EMF/WMF (.emz/.wmz) by their text records
            if name.startswith("Pictures/") and blob.startswith(_SVM):
                # LibreOffice's own metafile pasted as a picture: its text is not read, so it
                # is held (an ObjectReplacements/ one only draws an object read on its own)
                walker.unread(node.at(f"图片 {name}"), "LibreOffice 矢量图（SVM）中的文字无法读取")
                continue
            if sniff(blob, name) not in (Kind.BINARY, Kind.IMAGE, Kind.EMPTY):
                walker.document(
                    blob, posixpath.basename(name), node.at(f"其他部件 {name}"), node.depth + 1
                )
