#!/usr/bin/python3
"""The baseline of bench/export.sh: the export a person would script with requests and
openpyxl in write-only mode (streamed rows, the fastest openpyxl can write), against the same
service and with the same columns as `bangwo8-etl export` without a mapping.

    BANGWO8_ACCOUNT=... BANGWO8_PASSWORD=... export_openpyxl.py BASE_URL OUT.xlsx PER_PAGE

It pages the list in ascending id order with deleted companies included (deStat=1, as the
export does), drops the deleted ones, and writes every documented field, then one column per
custom field key. Like a script would, it learns the custom keys from the first page and
writes the others' values nowhere; the Go export finds every key, which only costs it more.
"""
import os
import sys

import openpyxl
import requests

FIELDS = [
    ("uId", "公司ID"), ("url", "资源URL"), ("companyName", "公司名称"), ("supportId", "负责客服ID"),
    ("servicestarttime", "服务开始时间"), ("serviceendtime", "服务结束时间"), ("userURL", "公司网址"),
    ("serveNote", "备注"), ("serviceCharge", "服务费余额"), ("serviceaccount", "服务账号"),
    ("servicepassword", "服务密码"), ("address", "公司地址"), ("createDT", "创建时间"),
    ("updateDT", "更新时间"), ("userGroup", "公司所属分组"), ("tableName", "标签"),
    ("province", "省份/城市"), ("city", "城市/区"), ("status", "状态"), ("service_groupid", "受理客服组"),
]


def text(v):
    if v is None or v == "0000-00-00" or v == "0000-00-00 00:00:00":
        return None
    if isinstance(v, list):
        return "/".join(str(x) for x in v)
    return str(v)


def main():
    base, out, per_page = sys.argv[1], sys.argv[2], int(sys.argv[3])
    session = requests.Session()
    session.auth = (os.environ["BANGWO8_ACCOUNT"], os.environ["BANGWO8_PASSWORD"])
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("公司")
    keys = None
    written = 0
    page = 1
    while True:
        r = session.get(base + "/api/v1/companies.json",
                        params={"page": page, "per_page": per_page, "deStat": 1}, timeout=60)
        r.raise_for_status()
        companies = r.json().get("companies") or []
        if keys is None:
            keys = sorted({f["key"] for c in companies for f in (c.get("custom_fields") or [])})
            ws.append([label for _, label in FIELDS] + keys)
        for c in companies:
            if str(c.get("status")) == "2":
                continue
            custom = {f["key"]: f.get("value") for f in (c.get("custom_fields") or [])}
            ws.append([text(c.get(k)) for k, _ in FIELDS] + [text(custom.get(k)) for k in keys])
            written += 1
        if len(companies) < per_page:
            break
        page += 1
    wb.save(out)
    print(f"script done companies={written}", file=sys.stderr)


if __name__ == "__main__":
    main()
