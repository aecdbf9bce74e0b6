"""Build the detection evaluation set: ``sources/*.toml`` → ``files/`` (deterministic).

Each source file holds ``[[message]]`` entries::

    id = "personnel-s01"        # unique; the generated file is files/<id>.<ext>
    label = "sensitive"         # sensitive | public
    category = "personnel"      # personnel | public_security | land | state_secret |
                                # work_secret | personal_data
    family = "酝酿"              # what kind of mail this is (free text, for reading misses)
    split = "dev"               # dev | holdout | blind … blind19 | clean | clean2 | blind20 |
                                # blind21 … blind212 (blind splits: sources/<split>/, ids "b-…" … "z-…",
                                # "a-…", "l-…", "aa-…", "ab-…", "ac-…", "ad-…", "ae-…", "af-…", "ag-…", "ah-…", "ai-…", "aj-…",
                                # "ak-…", "al-…", "am-…", "an-…", "ao-…", "ap-…", "aq-…", "ar-…", "as-…", "at-…", "au-…", "av-…", "aw-…", "ax-…", "ay-…", "az-…", "ba-…", "bb-…", "bc-…", "bd-…", "be-…", "bf-…", "bg-…", "bh-…", "bi-…", "bj-…", "bk-…", "bl-…", "bm-…", "bn-…", "bo-…", "bp-…", "bq-…", "br-…", "bs-…", "bt-…", "bu-…", "bv-…", "bw-…", "bx-…")
    charset = "gbk"             # eml only, optional: the plain body's charset (default utf-8)
    format = "eml"              # eml | eml-html | docx | xlsx | pptx | pdf | csv | zip | 7z
    subject = "…"               # eml only
    text = '''…'''              # the body (eml) or the document content
    [[message.attachment]]      # eml and archives: attached files / members
    name = "…docx"; format = "docx"; text = '''…'''

Document text is a small line markup:

* ``| a | b |`` — a table row (consecutive rows are one table; the first row is the header);
* ``# 标题`` — a title line (bold, centred; an xlsx title row merged across the table);
* ``@header: …`` / ``@footer: …`` — page header / footer (docx, pdf, pptx: a footer box);
* ``---`` — a new slide (pptx), page (pdf, docx) or sheet (xlsx, ``--- 名称``);
* ``{{roster KIND N SEED [grouped|grouped684|wrapped|spaced|fullwidth]}}`` — N generated
  table rows of people with valid identifiers (GB 11643 check digits, Luhn bank cards, real
  mobile prefixes), see :func:`roster`. All names, numbers and places are invented.

The blind splits (:data:`BLIND_SPLITS`) live in ``sources/<split>/`` with their own id prefix
(``blind``: ``sources/blind/``, ids ``b-…``; ``blind2``: ``sources/blind2/``, ids ``c-…``;
``blind3``: ``sources/blind3/``, ids ``d-…``; ``blind4``: ``sources/blind4/``, ids ``e-…``;
``blind5``: ``sources/blind5/``, ids ``f-…``; ``blind6``: ``sources/blind6/``, ids ``g-…``;
``blind7``: ``sources/blind7/``, ids ``h-…``;
``blind8``: ``sources/blind8/``, ids ``i-…``;
``blind9``: ``sources/blind9/``, ids ``j-…``;
``blind10``: ``sources/blind10/``, ids ``k-…``;
``blind11``: ``sources/blind11/``, ids ``m-…``;
``blind12``: ``sources/blind12/``, ids ``n-…``;
``blind13``: ``sources/blind13/``, ids ``o-…``;
``blind14``: ``sources/blind14/``, ids ``p-…``;
``blind15``: ``sources/blind15/``, ids ``q-…``;
``blind16``: ``sources/blind16/``, ids ``r-…``;
``blind17``: ``sources/blind17/``, ids ``s-…``;
``blind18``: ``sources/blind18/``, ids ``t-…``;
``blind19``: ``sources/blind19/``, ids ``u-…``): each written later, by another author, without
reading the scope tables, and never used for tuning until retired (docs/detection-benchmark.md).
The clean-traffic splits ``clean`` (``sources/clean/``, ids ``v-…``) and ``clean2``
(``sources/clean2/``, ids ``w-…``) are kept apart the same way: all public, harmless internal
office mail, written without reading the tables. ``blind20`` (``sources/blind20/``, ids ``x-…``)
is the twentieth blind split, kept apart the same way, and ``blind21`` (``sources/blind21/``,
ids ``y-…``) the twenty-first, ``blind22`` (``sources/blind22/``, ids ``z-…``)
the twenty-second and ``blind23`` (``sources/blind23/``, ids ``a-…``) the twenty-third, ``blind24`` (``sources/blind24/``, ids ``l-…``)
the twenty-fourth and ``blind25`` (``sources/blind25/``, ids ``aa-…``) the twenty-fifth, ``blind26`` (``sources/blind26/``, ids ``ab-…``)
the twenty-sixth and ``blind27`` (``sources/blind27/``, ids ``ac-…``) the twenty-seventh, ``blind28`` (``sources/blind28/``, ids ``ad-…``)
the twenty-eighth and ``blind29`` (``sources/blind29/``, ids ``ae-…``) the twenty-ninth, ``blind30`` (``sources/blind30/``, ids ``af-…``) the thirtieth, ``blind31`` (``sources/blind31/`, `sources/blind32/``, ids ``ag-…``)
the thirty-first, ``blind32`` (``sources/blind32/``, ids ``ah-…``) the thirty-second, ``blind33``
(``sources/blind33/`, `sources/blind34/``, ids ``ai-…``) the thirty-third, ``blind34`` (``sources/blind34/``, ids ``aj-…``) the thirty-fourth, ``blind35``
(``sources/blind35/``, ids ``ak-…``) the thirty-fifth, ``blind36`` (``sources/blind35/`, `sources/blind36/``, ids ``al-…``) the thirty-sixth, ``blind37``
(``sources/blind37/`, `sources/blind38/``, ids ``am-…``) the thirty-seventh, ``blind38`` (``sources/blind38/``, ids ``an-…``) the thirty-eighth,
``blind39`` (``sources/blind39/``, ids ``ao-…``) the thirty-ninth, ``blind40`` (``sources/blind39/`, `sources/blind40/``, ids ``ap-…``) the fortieth,
``blind41`` (``sources/blind41/``, ids ``aq-…``) the forty-first, ``blind42`` (``sources/blind42/``, ids ``ar-…``) the
forty-second, ``blind43`` (``sources/blind43/``, ids ``as-…``) the forty-third, ``blind44``
(``sources/blind44/``, ids ``at-…``) the forty-fourth, ``blind45`` (``sources/blind45/``,
ids ``au-…``) the forty-fifth, ``blind46`` (``sources/blind46/``, ids ``av-…``) the forty-sixth,
``blind47`` (``sources/blind47/``, ids ``aw-…``) the forty-seventh, ``blind48`` (``sources/blind48/``,
ids ``ax-…``) the forty-eighth, ``blind49`` (``sources/blind49/``, ids ``ay-…``) the forty-ninth
``blind50`` (``sources/blind50/``, ids ``az-…``) the fiftieth, ``blind51`` (``sources/blind51/``,
ids ``ba-…``) the fifty-first, ``blind52`` (``sources/blind52/``, ids ``bb-…``) the fifty-second,
``blind53`` (``sources/blind53/``, ids ``bc-…``) the fifty-third, ``blind54`` (``sources/blind54/``,
ids ``bd-…``) the fifty-fourth, ``blind55`` (``sources/blind55/``, ids ``be-…``) the fifty-fifth,
``blind56`` (``sources/blind56/``, ids ``bf-…``) the fifty-sixth, ``blind57`` (``sources/blind57/``,
ids ``bg-…``) the fifty-seventh, ``blind58`` (``sources/blind58/``, ids ``bh-…``) the fifty-eighth,
``blind59`` (``sources/blind59/``, ids ``bi-…``) the fifty-ninth, ``blind60`` (``sources/blind60/``,
ids ``bj-…``) the sixtieth, ``blind61`` (``sources/blind61/``, ids ``bk-…``) the sixty-first,
``blind62`` (``sources/blind62/``, ids ``bl-…``) the sixty-second, ``blind63`` (``sources/blind63/``,
ids ``bm-…``) the sixty-third, ``blind64`` (``sources/blind64/``, ids ``bn-…``) the sixty-fourth,
``blind65`` (``sources/blind65/``, ids ``bo-…``) the sixty-fifth, ``blind66`` (``sources/blind66/``,
ids ``bp-…``) the sixty-sixth, ``blind67`` (``sources/blind67/``, ids ``bq-…``) the sixty-seventh
, ``blind68`` (``sources/blind68/``, ids ``br-…``) the sixty-eighth, ``blind69`` (``sources/blind69/``, ids ``bs-…``) the sixty-ninth
, ``blind70`` (``sources/blind70/``, ids ``bt-…``) the seventieth, ``blind71`` (``sources/blind71/``, ids ``bu-…``) the seventy-first
, ``blind72`` (``sources/blind72/``, ids ``bv-…``) the seventy-second, ``blind73``
(``sources/blind73/``, ids ``bw-…``) the seventy-third, ``blind74`` (``sources/blind74/``, ids
``bx-…``) the seventy-fourth, ``blind75`` (``sources/blind75/``, ids ``by-…``) and ``blind76``
(``sources/blind76/``, ids ``bz-…``), ``blind77`` (``sources/blind77/``, ids ``ca-…``) and ``blind78``
(``sources/blind78/``, ids ``cb-…``), ``blind79`` (``sources/blind79/``, ids ``cc-…``) and ``blind80``
(``sources/blind80/``, ids ``cd-…``), ``blind81`` (``sources/blind81/``, ids ``ce-…``) and ``blind82``
(``sources/blind82/``, ids ``cf-…``), the eight tuning splits of round 41 (read after their arrival), and
``blind83`` (``sources/blind83/``, ids ``cg-…``) and ``blind84`` (``sources/blind84/``, ids ``ch-…``), the
eighty-third and eighty-fourth (unread), and ``blind85`` (``sources/blind85/``, ids ``ci-…``) and
``blind86`` (``sources/blind86/``, ids ``cj-…``), round 41's last tuning splits (read after their arrival),
and ``blind87`` (``sources/blind87/``, ids ``ck-…``) and ``blind88`` (``sources/blind88/``, ids ``cl-…``),
the eighty-seventh and eighty-eighth (unread), and ``blind89`` (``sources/blind89/``, ids ``cm-…``)
and ``blind90`` (``sources/blind90/``, ids ``cn-…``), round 41's eleventh and twelfth tuning splits,
``blind91`` (``sources/blind91/``, ids ``co-…``) and ``blind92`` (``sources/blind92/``, ids ``cp-…``),
round 42's tuning splits, and ``blind93`` (``sources/blind93/``, ids ``cq-…``) and ``blind94``
(``sources/blind94/``, ids ``cr-…``), the ninety-third and ninety-fourth (unread), and ``blind95``
(``sources/blind95/``, ids ``cs-…``) and ``blind96`` (``sources/blind96/``, ids ``ct-…``), round 42's
third and fourth tuning splits, and ``blind97`` (``sources/blind97/``, ids ``cu-…``) and ``blind98``
(``sources/blind98/``, ids ``cv-…``), its fifth and sixth, and ``blind99`` (``sources/blind99/``, ids
``cw-…``) and ``blind100`` (``sources/blind100/``, ids ``cx-…``), its seventh and eighth, and
``blind101`` (``sources/blind101/``, ids ``cy-…``) and ``blind102`` (``sources/blind102/``, ids
``cz-…``), its ninth and tenth, and ``blind103``
(``sources/blind103/``, ids ``da-…``) and ``blind104`` (``sources/blind104/``, ids ``db-…``), its
eleventh and twelfth; ``blind105`` and ``blind106`` (``sources/blind105/``, ``sources/blind106/``,
ids ``dc-…``, ``dd-…``), the hundred-and-fifth and hundred-and-sixth (unread), and ``blind107`` …
``blind116`` (``sources/blind107/`` …, ids ``de-…`` … ``dn-…``), round 43's tuning splits, and
``blind117`` and ``blind118`` (ids ``do-…``, ``dp-…``), round 43's last, sealed (unread);
``blind119`` … ``blind124`` (ids ``dq-…`` … ``dv-…``), round 44's tuning splits, and ``blind125``
and ``blind126`` (ids ``dw-…``, ``dx-…``), round 44's sealed pair (unread); ``blind127`` …
``blind130`` (ids ``dy-…`` … ``eb-…``), round 44's later tuning splits, and ``blind131`` and
``blind132`` (ids ``ec-…``, ``ed-…``), round 44's second sealed pair (unread), and ``blind133`` …
``blind136`` (ids ``ee-…`` … ``eh-…``), round 44's later tuning splits, and ``blind137`` …
``blind140`` (ids ``ei-…`` … ``el-…``), its last; ``blind141`` (ids ``em-…``), ``blind142`` (ids ``en-…``), ``blind143`` (ids ``eo-…``), ``blind144`` (ids ``ep-…``), ``blind145`` (ids ``eq-…``, sealed), ``blind146`` (ids ``er-…``, sealed), ``blind147`` (ids ``es-…``), ``blind148`` (ids ``et-…``), ``blind149`` (ids ``eu-…``), ``blind150`` (ids ``ev-…``), ``blind151`` (ids ``ew-…``), ``blind152`` (ids ``ex-…``), ``blind153`` (ids ``ey-…``), ``blind154`` (ids ``ez-…``), ``blind155`` (ids ``fa-…``), ``blind156`` (ids ``fb-…``), ``blind157`` (ids ``fc-…``), ``blind158`` (ids ``fd-…``), ``blind159`` (ids ``fe-…``), ``blind160`` (ids ``ff-…``), round 45's; ``blind161`` (ids ``fg-…``) and ``blind162`` (ids ``fh-…``), its last sealed pair; round 46's: ``blind163`` (ids ``fi-…``, sealed), ``blind164`` (ids ``fj-…``, sealed), ``blind165`` (ids ``fk-…``), ``blind166`` (ids ``fl-…``), ``blind167`` (ids ``fm-…``), ``blind168`` (ids ``fn-…``), ``blind169`` (ids ``fo-…``), ``blind170`` (ids ``fp-…``), ``blind171`` (ids ``fq-…``), ``blind172`` (ids ``fr-…``), ``blind173`` (ids ``fs-…``), ``blind174`` (ids ``ft-…``), ``blind175`` (ids ``fu-…``), ``blind176`` (ids ``fv-…``), ``blind177`` (ids ``fw-…``), ``blind178`` (ids ``fx-…``), ``blind179`` (ids ``fy-…``), ``blind180`` (ids ``fz-…``), ``blind181`` (ids ``ga-…``), ``blind182`` (ids ``gb-…``), ``blind183`` (ids ``gc-…``), ``blind184`` (ids ``gd-…``), ``blind185`` (ids ``ge-…``, sealed), ``blind186`` (ids ``gf-…``, sealed), ``blind187`` (ids ``gg-…``), ``blind188`` (ids ``gh-…``), ``blind189`` (ids ``gi-…``), ``blind190`` (ids ``gj-…``), ``blind191`` (ids ``gk-…``, sealed), ``blind192`` (ids ``gl-…``, sealed), ``blind193`` (ids ``gm-…``), ``blind194`` (ids ``gn-…``), ``blind195`` (ids ``go-…``), ``blind196`` (ids ``gp-…``), ``blind197`` (ids ``gq-…``), ``blind198`` (ids ``gr-…``), ``blind199`` (ids ``gs-…``), ``blind200`` (ids ``gt-…``).

Run from the repository root:
``python benchmarks/detection/build.py [--split dev|holdout|blind|blind2|blind3|blind4|blind5|blind6|blind7|blind8|blind9|blind10|blind11|blind12|blind13|blind14|blind15|blind16|blind17|blind18|blind19|clean|clean2|blind20|blind21|blind22|blind23|blind24|blind25|blind26|blind27|blind28|blind29|blind30|blind31|blind32|blind33|blind34|blind35|blind36|blind37|blind38|blind39|blind40|blind41|blind42|blind43|blind44|blind45|blind46|blind47|blind48|blind49|blind50|blind51|blind52|blind53|blind54|blind55|blind56|blind57|blind58|blind59|blind60|blind61|blind62|blind63|blind64|blind65|blind66|blind67|blind68|blind69|blind70|blind71|blind72|blind73|blind74|blind75|blind76|blind77|blind78|blind79|blind80|blind81|blind82|blind83|blind84|blind85|blind86|blind87|blind88|blind89|blind90|blind91|blind92|blind93|blind94|blind95|blind96|blind97|blind98|blind99|blind100|blind101|blind102|blind103|blind104|blind105|blind106|blind107|blind108|blind109|blind110|blind111|blind112|blind113|blind114|blind115|blind116|blind117|blind118|blind119|blind120|blind121|blind122|blind123|blind124|blind125|blind126|blind127|blind128|blind129|blind130|blind131|blind132|blind133|blind134|blind135|blind136|blind137|blind138|blind139|blind140|blind141|blind142|blind143|blind144|blind145|blind146|blind147|blind148|blind149|blind150|blind151|blind152|blind153|blind154|blind155|blind156|blind157|blind158|blind159|blind160|blind161|blind162|blind163|blind164|blind165|blind166|blind167|blind168|blind169|blind170|blind171|blind172|blind173|blind174|blind175|blind176|blind177|blind178|blind179|blind180|blind181|blind182|blind183|blind184|blind185|blind186|blind187|blind188|blind189|blind190|blind191|blind192|blind193|blind194|blind195|blind196|blind197|blind198|blind199|blind200]``
(needs the ``bench`` extra: python-docx, openpyxl, python-pptx, reportlab, py7zr). Without
``--split`` every file is rebuilt and stale ones removed; with it only that split's files are
written. Output is byte-for-byte reproducible: fixed dates, fixed MIME boundaries, fixed zip
timestamps, reportlab's invariant mode.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
FILES = HERE / "files"
CATEGORIES = (
    "personnel",
    "public_security",
    "land",
    "state_secret",
    "work_secret",
    "personal_data",
)
# blind split → id prefix; each lives in sources/<split>/ and is never tuned on
BLIND_SPLITS = {
    "blind": "b-",
    "blind2": "c-",
    "blind3": "d-",
    "blind4": "e-",
    "blind5": "f-",
    "blind6": "g-",
    "blind7": "h-",
    "blind8": "i-",
    "blind9": "j-",
    "blind10": "k-",
    "blind11": "m-",
    "blind12": "n-",
    "blind13": "o-",
    "blind14": "p-",
    "blind15": "q-",
    "blind16": "r-",
    "blind17": "s-",
    "blind18": "t-",
    "blind19": "u-",
    "clean": "v-",
    "clean2": "w-",
    "blind20": "x-",
    "blind21": "y-",
    "blind22": "z-",
    "blind23": "a-",
    "blind24": "l-",
    "blind25": "aa-",
    "blind26": "ab-",
    "blind27": "ac-",
    "blind28": "ad-",
    "blind29": "ae-",
    "blind30": "af-",
    "blind31": "ag-",
    "blind32": "ah-",
    "blind33": "ai-",
    "blind34": "aj-",
    "blind35": "ak-",
    "blind36": "al-",
    "blind37": "am-",
    "blind38": "an-",
    "blind39": "ao-",
    "blind40": "ap-",
    "blind41": "aq-",
    "blind42": "ar-",
    "blind43": "as-",
    "blind44": "at-",
    "blind45": "au-",
    "blind46": "av-",
    "blind47": "aw-",
    "blind48": "ax-",
    "blind49": "ay-",
    "blind50": "az-",
    "blind51": "ba-",
    "blind52": "bb-",
    "blind53": "bc-",
    "blind54": "bd-",
    "blind55": "be-",
    "blind56": "bf-",
    "blind57": "bg-",
    "blind58": "bh-",
    "blind59": "bi-",
    "blind60": "bj-",
    "blind61": "bk-",
    "blind62": "bl-",
    "blind63": "bm-",
    "blind64": "bn-",
    "blind65": "bo-",
    "blind66": "bp-",
    "blind67": "bq-",
    "blind68": "br-",
    "blind69": "bs-",
    "blind70": "bt-",
    "blind71": "bu-",
    "blind72": "bv-",
    "blind73": "bw-",
    "blind74": "bx-",
    "blind75": "by-",
    "blind76": "bz-",
    "blind77": "ca-",
    "blind78": "cb-",
    "blind79": "cc-",
    "blind80": "cd-",
    "blind81": "ce-",
    "blind82": "cf-",
    "blind83": "cg-",
    "blind84": "ch-",
    "blind85": "ci-",
    "blind86": "cj-",
    "blind87": "ck-",
    "blind88": "cl-",
    "blind89": "cm-",
    "blind90": "cn-",
    "blind91": "co-",
    "blind92": "cp-",
    "blind93": "cq-",
    "blind94": "cr-",
    "blind95": "cs-",
    "blind96": "ct-",
    "blind97": "cu-",
    "blind98": "cv-",
    "blind99": "cw-",
    "blind100": "cx-",
    "blind101": "cy-",
    "blind102": "cz-",
    "blind103": "da-",
    "blind104": "db-",
    "blind105": "dc-",
    "blind106": "dd-",
    "blind107": "de-",
    "blind108": "df-",
    "blind109": "dg-",
    "blind110": "dh-",
    "blind111": "di-",
    "blind112": "dj-",
    "blind113": "dk-",
    "blind114": "dl-",
    "blind115": "dm-",
    "blind116": "dn-",
    "blind117": "do-",
    "blind118": "dp-",
    "blind119": "dq-",
    "blind120": "dr-",
    "blind121": "ds-",
    "blind122": "dt-",
    "blind123": "du-",
    "blind124": "dv-",
    "blind125": "dw-",
    "blind126": "dx-",
    "blind127": "dy-",
    "blind128": "dz-",
    "blind129": "ea-",
    "blind130": "eb-",
    "blind131": "ec-",
    "blind132": "ed-",
    "blind133": "ee-",
    "blind134": "ef-",
    "blind135": "eg-",
    "blind136": "eh-",
    "blind137": "ei-",
    "blind138": "ej-",
    "blind139": "ek-",
    "blind140": "el-",
    "blind141": "em-",
    "blind142": "en-",
    "blind143": "eo-",
    "blind144": "ep-",
    "blind145": "eq-",
    "blind146": "er-",
    "blind147": "es-",
    "blind148": "et-",
    "blind149": "eu-",
    "blind150": "ev-",
    "blind151": "ew-",
    "blind152": "ex-",
    "blind153": "ey-",
    "blind154": "ez-",
    "blind155": "fa-",
    "blind156": "fb-",
    "blind157": "fc-",
    "blind158": "fd-",
    "blind159": "fe-",
    "blind160": "ff-",
    "blind161": "fg-",
    "blind162": "fh-",
    "blind163": "fi-",
    "blind164": "fj-",
    "blind165": "fk-",
    "blind166": "fl-",
    "blind167": "fm-",
    "blind168": "fn-",
    "blind169": "fo-",
    "blind170": "fp-",
    "blind171": "fq-",
    "blind172": "fr-",
    "blind173": "fs-",
    "blind174": "ft-",
    "blind175": "fu-",
    "blind176": "fv-",
    "blind177": "fw-",
    "blind178": "fx-",
    "blind179": "fy-",
    "blind180": "fz-",
    "blind181": "ga-",
    "blind182": "gb-",
    "blind183": "gc-",
    "blind184": "gd-",
    "blind185": "ge-",
    "blind186": "gf-",
    "blind187": "gg-",
    "blind188": "gh-",
    "blind189": "gi-",
    "blind190": "gj-",
    "blind191": "gk-",
    "blind192": "gl-",
    "blind193": "gm-",
    "blind194": "gn-",
    "blind195": "go-",
    "blind196": "gp-",
    "blind197": "gq-",
    "blind198": "gr-",
    "blind199": "gs-",
    "blind200": "gt-",
    "blind201": "gu-",
    "blind202": "gv-",
    "blind203": "gw-",
    "blind204": "gx-",
    "blind205": "gy-",
    "blind206": "gz-",
    "blind207": "ha-",
    "blind208": "hb-",
    "blind209": "hc-",
    "blind210": "hd-",
    "blind211": "he-",
    "blind212": "hf-",
}
SPLITS = ("dev", "holdout", *BLIND_SPLITS)
FORMATS = ("eml", "eml-html", "docx", "xlsx", "pptx", "pdf", "csv", "zip", "7z")
EXT = {"eml": "eml", "eml-html": "eml"}
FIXED_DATE = dt.datetime(2026, 11, 20, 9, 30, 0)
ZIP_DATE = (2026, 11, 20, 9, 30, 0)
CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*)>[^<]*<")
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

# -- generated people ----------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"
GIVEN = "建国志强秀英桂兰国华海燕丽娟晓东春梅玉兰德明文静红霞伟平俊杰淑珍家豪雪芳永刚金凤宏伟立新素琴长青翠萍子涵雨轩浩然思远佳怡明轩欣怡梓萱慧敏振华学军凤英保国爱民"
# county-level codes (GB/T 2260) of invented residents' registration places
REGIONS = (
    "330106",
    "330624",
    "320583",
    "341822",
    "360124",
    "430721",
    "420117",
    "510121",
    "350322",
    "441302",
    "371325",
    "610423",
    "450126",
    "520121",
    "130637",
    "411526",
)
VILLAGES = ("桐溪村", "石桥村", "柳塘村", "上垟村", "下埠村", "枫林村", "新岙村", "黄泥岭村")
STREETS = ("临江路", "东湖路", "文昌街", "解放路", "新华路", "和平巷", "滨河路", "府前街")
CARD_IINS = (
    ("622848", 19),
    ("621700", 19),
    ("622202", 19),
    ("623668", 19),
    ("621226", 19),
    ("625965", 16),
    ("622609", 16),
    ("621483", 16),
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "186",
    "187",
    "189",
    "191",
    "198",
    "199",
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(rng: random.Random) -> str:
    """An 18-character ID with a valid GB 11643-1999 check character."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def luhn_complete(prefix: str) -> str:
    digits = [int(d) for d in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:  # these positions double once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


def bank_card(rng: random.Random) -> str:
    iin, length = rng.choice(CARD_IINS)
    body = iin + "".join(str(rng.randrange(10)) for _ in range(length - len(iin) - 1))
    return luhn_complete(body)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))


def person_name(rng: random.Random) -> str:
    given = rng.randrange(0, len(GIVEN) // 2) * 2
    name = rng.choice(SURNAMES) + GIVEN[given : given + rng.choice((1, 2))]
    return name


def address(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"桐溪镇{rng.choice(VILLAGES)}{rng.randrange(1, 12)}组{rng.randrange(1, 90)}号"
    return f"临江区{rng.choice(STREETS)}{rng.randrange(1, 300)}号{rng.randrange(1, 6)}幢{rng.randrange(101, 1802)}室"


def shape_id(value: str, style: str) -> str:
    if style == "grouped":  # 6-4-4-4, as clerks type them for legibility
        return f"{value[:6]} {value[6:10]} {value[10:14]} {value[14:]}"
    if style == "grouped684":
        return f"{value[:6]}-{value[6:14]}-{value[14:]}"
    if style == "wrapped":  # a narrow table cell: the number breaks across two lines
        return f"{value[:10]}\n{value[10:]}"
    if style == "spaced":
        return " ".join(value)
    if style == "fullwidth":
        return value.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}).replace("X", "Ｘ")
    return value


ROSTER_HEADERS = {
    "id_addr": ["序号", "姓名", "性别", "身份证号码", "家庭住址"],
    "bank": ["序号", "户主姓名", "开户银行", "银行卡号", "金额（元）"],
    "mobile_addr": ["序号", "姓名", "联系电话", "现住址"],
    "dibao": ["序号", "户主", "身份证号", "保障人口", "月保障金（元）", "联系电话"],
    "comp": ["序号", "户主", "身份证号", "房屋面积（㎡）", "补偿金额（元）", "签约情况"],
    "xinfang": ["序号", "姓名", "身份证号", "联系电话", "反映问题", "稳控责任人"],
    "cadre": ["序号", "姓名", "出生年月", "现任职务", "拟任职务", "备注"],
    "keyperson": ["序号", "姓名", "公民身份号码", "类别", "居住地", "手机", "包保责任人"],
    "cunwei": ["序号", "姓名", "性别", "出生年月", "政治面貌", "现任职务", "手机号码", "摸底意见"],
}
BANKS = ("农业银行", "建设银行", "工商银行", "农商银行", "邮储银行")
ISSUES = ("征地补偿款分配", "拆迁安置面积", "工程欠薪", "宅基地纠纷", "低保资格", "拆迁补偿不公")
SIGNED = ("已签约", "未签约", "已签约", "拒签", "已签约")
POSTS = ("镇党委委员", "副镇长", "办公室主任", "城建办主任", "综治办主任", "经济发展办主任")
KEY_KINDS = ("涉稳", "重点上访", "精神障碍", "刑满释放", "涉众投资受损", "社区矫正")
VILLAGE_POSTS = ("村党组织书记", "村委会主任", "村委委员", "村监委主任", "村民小组长", "无")
CANVASS = ("建议留任", "建议调整", "可进村委", "年龄偏大", "待进一步了解", "建议不再提名")


def roster(kind: str, count: int, seed: int, style: str = "plain") -> list[list[str]]:
    """Header + ``count`` rows of invented residents, identifiers valid by their standards."""
    rng = random.Random(f"{kind}-{seed}")
    rows = [list(ROSTER_HEADERS[kind])]
    for n in range(1, count + 1):
        name = person_name(rng)
        pid = shape_id(resident_id(rng), style)
        if kind == "id_addr":
            rows.append([str(n), name, rng.choice("男女"), pid, address(rng)])
        elif kind == "bank":
            card = bank_card(rng)
            if style == "grouped":
                card = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
            amount = f"{rng.randrange(8, 260) * 100 + rng.choice((0, 50))}.00"
            rows.append([str(n), name, rng.choice(BANKS), card, amount])
        elif kind == "mobile_addr":
            rows.append([str(n), name, mobile(rng), address(rng)])
        elif kind == "dibao":
            people = rng.randrange(1, 5)
            rows.append([str(n), name, pid, str(people), str(people * 735), mobile(rng)])
        elif kind == "comp":
            area = f"{rng.randrange(60, 420)}.{rng.randrange(10, 99)}"
            money = f"{rng.randrange(180, 2600) * 1000 + rng.randrange(0, 999):,}"
            rows.append([str(n), name, pid, area, money, rng.choice(SIGNED)])
        elif kind == "xinfang":
            rows.append([str(n), name, pid, mobile(rng), rng.choice(ISSUES), person_name(rng)])
        elif kind == "cadre":
            born = f"{rng.randrange(1972, 1992)}.{rng.randrange(1, 13):02d}"
            rows.append([str(n), name, born, rng.choice(POSTS), rng.choice(POSTS), ""])
        elif kind == "keyperson":
            rows.append(
                [str(n), name, pid, rng.choice(KEY_KINDS), address(rng), mobile(rng),
                 person_name(rng)]
            )  # fmt: skip
        elif kind == "cunwei":
            born = f"{rng.randrange(1958, 1998)}.{rng.randrange(1, 13):02d}"
            party = rng.choice(("中共党员", "中共党员", "群众", "预备党员"))
            rows.append(
                [str(n), name, rng.choice("男女"), born, party, rng.choice(VILLAGE_POSTS),
                 mobile(rng), rng.choice(CANVASS)]
            )  # fmt: skip
        else:
            raise ValueError(f"unknown roster kind {kind!r}")
    return rows


# -- the line markup -----------------------------------------------------------------------------

ROSTER_LINE = re.compile(r"^\{\{roster (\w+) (\d+) (\d+)(?: (\w+))?\}\}$")


class Block:
    """One paragraph, title or table of a document."""

    def __init__(self, kind: str, text: str = "", rows: list[list[str]] | None = None) -> None:
        self.kind = kind  # "para" | "title" | "table" | "break"
        self.text = text
        self.rows = rows if rows is not None else []


class Doc:
    def __init__(self, text: str) -> None:
        self.header = ""
        self.footer = ""
        self.pages: list[tuple[str, list[Block]]] = [("", [])]
        table: list[list[str]] | None = None
        for raw in text.strip("\n").split("\n"):
            line = raw.rstrip()
            blocks = self.pages[-1][1]
            if line.startswith("|") and line.endswith("|") and len(line) > 1:
                cells = [c.strip().replace("\\n", "\n") for c in line[1:-1].split("|")]
                if table is None:
                    table = []
                    blocks.append(Block("table", rows=table))
                table.append(cells)
                continue
            match = ROSTER_LINE.match(line)
            if match:
                kind, count, seed, style = match.groups()
                rows = roster(kind, int(count), int(seed), style or "plain")
                if table is None:
                    table = []
                    blocks.append(Block("table", rows=table))
                    table.extend(rows)
                else:
                    table.extend(rows[1:])
                continue
            if line.startswith("{{") and line.endswith("}}"):
                # (round 46) a roster line without its keyword ({{dibao 16 1 spaced}}) would stand
                # as text, and the message would carry no roster at all
                raise ValueError(f"unknown markup {line!r}: a roster is {{{{roster KIND N SEED}}}}")
            table = None
            if line.startswith("@header:"):
                self.header = line.split(":", 1)[1].strip()
            elif line.startswith("@footer:"):
                self.footer = line.split(":", 1)[1].strip()
            elif line.startswith("---"):
                self.pages.append((line[3:].strip(), []))
            elif line.startswith("# "):
                blocks.append(Block("title", line[2:].strip()))
            elif line:
                blocks.append(Block("para", line))
        self.pages = [p for p in self.pages if p[1]]

    def blocks(self) -> Iterator[Block]:
        for _, blocks in self.pages:
            yield from blocks

    def plain(self) -> str:
        """The content as a person would paste it into a mail body."""
        out: list[str] = []
        if self.header:
            out.append(self.header)
        for block in self.blocks():
            if block.kind == "table":
                out.extend("\t".join(c.replace("\n", " ") for c in row) for row in block.rows)
            else:
                out.append(block.text)
        if self.footer:
            out.append(self.footer)
        return "\n".join(out) + "\n"

    def html(self) -> str:
        out = ['<html><head><meta charset="utf-8"></head><body>']
        if self.header:
            out.append(f'<div style="color:#c00">{_esc(self.header)}</div>')
        for block in self.blocks():
            if block.kind == "title":
                out.append(f'<p align="center"><b>{_esc(block.text)}</b></p>')
            elif block.kind == "para":
                out.append(f"<p>{_esc(block.text)}</p>")
            else:
                out.append('<table border="1" cellspacing="0">')
                for row in block.rows:
                    cells = "".join(f"<td>{_esc(c).replace(chr(10), '<br>')}</td>" for c in row)
                    out.append(f"<tr>{cells}</tr>")
                out.append("</table>")
        if self.footer:
            out.append(f'<p style="font-size:small">{_esc(self.footer)}</p>')
        out.append("</body></html>")
        return "\n".join(out) + "\n"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- writers -------------------------------------------------------------------------------------


def fixed_zip(data: bytes) -> bytes:
    """Rewrite an OOXML package with fixed member timestamps (the libraries stamp 'now')."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = CORE_DATES.sub(rb"\1>2026-11-20T09:30:00Z<", data)
            dst.writestr(member, data)
    return out.getvalue()


def write_docx(doc: Doc) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "仿宋"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    props = document.core_properties
    props.author = "办公室"
    props.comments = props.title = props.subject = props.keywords = ""
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1
    section = document.sections[0]
    if doc.header:
        section.header.paragraphs[0].text = doc.header
    if doc.footer:
        section.footer.paragraphs[0].text = doc.footer
    first = True
    for _, blocks in doc.pages:
        if not first:
            document.add_page_break()
        first = False
        for block in blocks:
            if block.kind == "title":
                para = document.add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                para.add_run(block.text).bold = True
            elif block.kind == "para":
                document.add_paragraph(block.text)
            else:
                width = max(len(r) for r in block.rows)
                table = document.add_table(rows=len(block.rows), cols=width)
                table.style = "Table Grid"
                for r, row in enumerate(block.rows):
                    for c, cell in enumerate(row):
                        table.cell(r, c).text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def sheets(doc: Doc) -> list[tuple[str, list[list[str]], str]]:
    """(sheet name, rows, title) per page: paragraphs become one-cell rows."""
    out = []
    for n, (name, blocks) in enumerate(doc.pages, 1):
        rows: list[list[str]] = []
        title = ""
        for block in blocks:
            if block.kind == "table":
                rows.extend(block.rows)
            elif block.kind == "title" and not rows and not title:
                title = block.text
            else:
                rows.append([block.text])
        out.append((name or f"Sheet{n}", rows, title))
    return out


def write_xlsx(doc: Doc) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    book.properties.creator = "办公室"
    book.properties.created = book.properties.modified = FIXED_DATE
    book.remove(book.active)
    for name, rows, title in sheets(doc):
        sheet = book.create_sheet(name[:31])
        width = max((len(r) for r in rows), default=1)
        offset = 0
        if title:
            sheet.cell(1, 1, title).font = Font(bold=True, size=14)
            sheet.cell(1, 1).alignment = Alignment(horizontal="center")
            if width > 1:
                sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
            offset = 1
        for r, row in enumerate(rows, 1 + offset):
            for c, value in enumerate(row, 1):
                cell = sheet.cell(r, c, value)
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True)
        if doc.header:
            sheet.oddHeader.center.text = doc.header
        if doc.footer:
            sheet.oddFooter.center.text = doc.footer
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue())


def write_pptx(doc: Doc) -> bytes:
    from pptx import Presentation
    from pptx.util import Emu, Pt

    deck = Presentation()
    deck.core_properties.author = "办公室"
    deck.core_properties.title = deck.core_properties.subject = ""
    deck.core_properties.comments = deck.core_properties.keywords = ""
    deck.core_properties.created = deck.core_properties.modified = FIXED_DATE
    deck.core_properties.last_printed = FIXED_DATE
    deck.core_properties.revision = 1
    blank = deck.slide_layouts[6]
    width, height = deck.slide_width, deck.slide_height
    for _, blocks in doc.pages:
        slide = deck.slides.add_slide(blank)
        top = Emu(400000)
        if doc.header:
            box = slide.shapes.add_textbox(
                Emu(300000), Emu(100000), width - Emu(600000), Emu(300000)
            )
            box.text_frame.text = doc.header
        for block in blocks:
            if block.kind == "table":
                rows, cols = len(block.rows), max(len(r) for r in block.rows)
                shape = slide.shapes.add_table(
                    rows, cols, Emu(300000), top, width - Emu(600000), Emu(280000 * rows)
                )
                for r, row in enumerate(block.rows):
                    for c, cell in enumerate(row):
                        shape.table.cell(r, c).text = cell
                top += Emu(280000 * rows + 100000)
            else:
                box = slide.shapes.add_textbox(Emu(300000), top, width - Emu(600000), Emu(500000))
                box.text_frame.word_wrap = True
                box.text_frame.text = block.text
                box.text_frame.paragraphs[0].runs[0].font.size = Pt(
                    28 if block.kind == "title" else 18
                )
                top += Emu(600000 if block.kind == "title" else 450000)
        if doc.footer:
            box = slide.shapes.add_textbox(
                Emu(300000), height - Emu(450000), width - Emu(600000), Emu(300000)
            )
            box.text_frame.text = doc.footer
    buffer = io.BytesIO()
    deck.save(buffer)
    return fixed_zip(buffer.getvalue())


def write_pdf(doc: Doc) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    rl_config.invariant = 1
    if "zenhei" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("zenhei", str(CJK_FONT), subfontIndex=0))
    body = ParagraphStyle("body", fontName="zenhei", fontSize=11, leading=17, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=12)
    story: list[Any] = []
    for n, (_, blocks) in enumerate(doc.pages):
        if n:
            story.append(PageBreak())
        for block in blocks:
            if block.kind == "title":
                story.append(Paragraph(_esc(block.text), title))
            elif block.kind == "para":
                story.append(Paragraph(_esc(block.text), body))
            else:
                data = [
                    [Paragraph(_esc(c).replace("\n", "<br/>"), cell) for c in row]
                    for row in block.rows
                ]
                table = Table(data, repeatRows=1)
                table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
                story.append(table)

    def decorate(canvas: Any, _doc: Any) -> None:
        canvas.setFont("zenhei", 10)
        if doc.header:
            canvas.drawString(60, A4[1] - 40, doc.header)
        if doc.footer:
            canvas.drawCentredString(A4[0] / 2, 30, doc.footer)

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, title="", author="", creator="", producer="")
    pdf.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def write_csv(doc: Doc) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for _, rows, title in sheets(doc):
        if title:
            writer.writerow([title])
        for row in rows:
            writer.writerow([c.replace("\n", "") for c in row])
    return out.getvalue().encode("gbk")  # as Excel on a Chinese Windows saves "CSV"


class GbkZipInfo(zipfile.ZipInfo):
    """Member names in GBK without the UTF-8 flag, as Windows' built-in zip writes them."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile's hook
        return self.filename.encode("gbk"), self.flag_bits


def write_zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = GbkZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def write_7z(members: list[tuple[str, bytes]]) -> bytes:
    from unittest import mock

    import py7zr
    from py7zr.helpers import ArchiveTimestamp

    fixed = ArchiveTimestamp.from_datetime(FIXED_DATE.replace(tzinfo=dt.UTC).timestamp())
    out = io.BytesIO()
    # py7zr stamps every member with "now"; the set must rebuild byte for byte
    with (
        mock.patch.object(ArchiveTimestamp, "from_now", staticmethod(lambda: fixed)),
        py7zr.SevenZipFile(out, "w") as archive,
    ):
        for name, data in members:
            archive.writestr(data, name)
    return out.getvalue()


def render(fmt: str, text: str) -> bytes:
    doc = Doc(text)
    if fmt == "docx":
        return write_docx(doc)
    if fmt == "xlsx":
        return write_xlsx(doc)
    if fmt == "pptx":
        return write_pptx(doc)
    if fmt == "pdf":
        return write_pdf(doc)
    if fmt == "csv":
        return write_csv(doc)
    if fmt in ("txt",):
        return doc.plain().encode("utf-8")
    raise ValueError(f"cannot render {fmt!r} as a document")


def members(entry: dict[str, Any]) -> list[tuple[str, bytes]]:
    out = []
    for item in entry.get("attachment", []) or _sections(entry):
        fmt = item["format"]
        data = archive(fmt, item) if fmt in ("zip", "7z") else render(fmt, item["text"])
        out.append((item["name"], data))
    return out


_SECTION = re.compile(r"^--- (\S+\.(docx|xlsx|pptx|pdf|csv|txt))[ \t]*$", re.MULTILINE)


def _sections(entry: dict[str, Any]) -> list[dict[str, str]]:
    """An archive's members written inline (round 42: writers put them in the archive's own
    ``text``, each under a ``--- 名称.txt`` line): the same as ``[[message.attachment]]``."""
    if entry.get("format") not in ("zip", "7z"):
        return []
    text = entry.get("text", "")
    found = list(_SECTION.finditer(text))
    if not found:
        return []
    ends = [m.start() for m in found[1:]] + [len(text)]
    return [
        {"name": m.group(1), "format": m.group(2), "text": text[m.end() : end].strip("\n")}
        for m, end in zip(found, ends, strict=True)
    ]


def _empty_archives(entry: dict[str, Any], name: str = "") -> list[str]:
    """The archives of ``entry``, itself or attached at any depth, that have no members (round
    43: an archive attached to a mail, with its document written in its own text and no
    ``--- name`` line, had been built empty)."""
    found = []
    if entry.get("format") in ("zip", "7z") and not (entry.get("attachment") or _sections(entry)):
        found.append(name or f"{entry.get('id', '?')}.{entry['format']}")
    for item in entry.get("attachment", []) or _sections(entry):
        found += _empty_archives(item, item.get("name", "?"))
    return found


def archive(fmt: str, entry: dict[str, Any]) -> bytes:
    return write_zip(members(entry)) if fmt == "zip" else write_7z(members(entry))


def write_eml(entry: dict[str, Any], html: bool) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = entry.get("sender", "xiaoli@tongxi.gov.example")
    msg["To"] = entry.get("to", "zhang.wei@163.example")
    msg["Subject"] = entry["subject"]
    msg["Date"] = "Fri, 20 Nov 2026 09:30:00 +0800"
    msg["Message-ID"] = f"<{entry['id']}@evalset.example>"
    doc = Doc(entry.get("text", ""))
    if html:
        msg.set_content(doc.plain(), charset="utf-8", cte="base64")
        msg.add_alternative(doc.html(), subtype="html", charset="utf-8", cte="base64")
        msg.set_boundary(f"=_alt_{entry['id']}")
    else:
        msg.set_content(doc.plain(), charset=entry.get("charset", "utf-8"), cte="base64")
    attached = members(entry)
    if attached:
        msg.make_mixed()
        msg.set_boundary(f"=_mix_{entry['id']}")
        for name, data in attached:
            maintype, subtype = "application", "octet-stream"
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def build_entry(entry: dict[str, Any]) -> tuple[str, bytes]:
    fmt = entry["format"]
    if fmt in ("eml", "eml-html"):
        return f"{entry['id']}.eml", write_eml(entry, fmt == "eml-html")
    if fmt in ("zip", "7z"):
        return f"{entry['id']}.{fmt}", archive(fmt, entry)
    return f"{entry['id']}.{fmt}", render(fmt, entry["text"])


def load_entries() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    paths = sorted(SOURCES.glob("*.toml"))
    for split in BLIND_SPLITS:
        paths += sorted(SOURCES.glob(f"{split}/*.toml"))
    for path in paths:
        with path.open("rb") as handle:
            for entry in tomllib.load(handle).get("message", []):
                entry["source"] = path.relative_to(SOURCES).as_posix()
                entries.append(entry)
    return entries


def check(entries: list[dict[str, Any]]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for e in entries:
        where = f"{e['source']}:{e.get('id', '?')}"
        if e.get("id") in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(e.get("id", ""))
        if e.get("label") not in ("sensitive", "public"):
            problems.append(f"{where}: label must be sensitive or public")
        if e.get("category") not in CATEGORIES:
            problems.append(f"{where}: unknown category {e.get('category')!r}")
        if e.get("split") not in SPLITS:
            problems.append(f"{where}: split must be one of {', '.join(SPLITS)}")
        # the blind splits are kept apart by id and by file, so nobody tunes on them by accident
        for split, prefix in BLIND_SPLITS.items():
            if (e.get("split") == split) != e["source"].startswith(f"{split}/"):
                problems.append(
                    f"{where}: split {split} belongs in sources/{split}/ and only there"
                )
            if (e.get("split") == split) != str(e.get("id", "")).startswith(prefix):
                problems.append(f"{where}: ids start with {prefix!r} exactly in split {split}")
        if e.get("format") not in FORMATS:
            problems.append(f"{where}: unknown format {e.get('format')!r}")
        for name in _empty_archives(e):
            problems.append(f"{where}: archive {name} needs members ([[message.attachment]])")
        if not e.get("family"):
            problems.append(f"{where}: family missing")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    args = parser.parse_args(argv)
    entries = load_entries()
    problems = check(entries)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    chosen = [e for e in entries if args.split in ("all", e["split"])]
    FILES.mkdir(exist_ok=True)
    wanted = set()
    for entry in chosen:
        name, data = build_entry(entry)
        wanted.add(name)
        target = FILES / name
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    if args.split == "all":  # only a full build knows which files are stale
        for stale in FILES.iterdir():
            if stale.name not in wanted:
                stale.unlink()
    print(f"{len(chosen)} messages ({args.split}) → {FILES.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
