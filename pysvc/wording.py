"""The clause's own words for conditions whose fact-file label says something else.

A condition reads a figure or finding of the fact file, whose label (pysvc/vocabulary.py) serves
many clauses and so paraphrases them. Where that paraphrase adds, drops or replaces words that
matter to a lawyer, the description of the condition uses the clause's words from this table
instead, and the renderer marks the fact it is read from as a reading of the knowledge base. Every
entry is a verbatim excerpt of its clause (a test checks it).
"""

from __future__ import annotations

CLAUSE_WORDS: dict[str, str] = {
    # 显著 and 经认定 are the clause's; the label 民族特色工艺品或国家级非遗 drops them.
    "6.3.3.1a": "具有显著民族特色的工艺品或属于经认定的国家级非物质文化遗产上年度出口额",
    # The clause says 体现中华文化特色 of the troupe's work, not of a 产品.
    "6.2.2.2a": "体现中华文化特色",
    # The clause names a 数字内容服务平台; the KB counts it as overseas_platforms (海外营运服务平台).
    "10.2.4a": "在海外设有数字内容服务平台",
}
