#!/usr/bin/env python3
"""Build the fuzzers' seed corpora from the shipped samples under test/data.

usage: make_seeds.py OUTDIR [FUZZER]

Writes OUTDIR/<fuzzer>/<sha1> files (one input each) for ucum,
unit_normalize, hl7v2 and ccda (or only FUZZER), plus test/fuzz/seeds/<fuzzer>/* (small
hand-written inputs kept in the repo).  Sources (see their PROVENANCE.md):
test/data/units (UCUM table of example codes, ucum-essence.xml atoms,
sample_units.tsv, Synthea units), test/data/ingest/hl7v2 and
test/data/ingest/ccda (each file whole, each message of a batch, and each
observation of a C-CDA document wrapped in a small ClinicalDocument so a
seed stays small enough for fast runs).
"""
import csv
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(TOP, "test", "data")
HL7V3 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


ONLY = None


def write(outdir, name, data):
    if ONLY and name != ONLY:
        return
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or b"\0" in data:
        return
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def ucum_codes():
    codes = set()
    path = os.path.join(DATA, "units", "TableOfExampleUcumCodesForElectronicMessaging.csv")
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        rows = list(csv.reader(f))
    # row 1 is the copyright notice, row 2 the header; the code is column 2
    for row in rows[2:]:
        if len(row) > 1 and row[1].strip():
            codes.add(row[1].strip())
    root = ET.parse(os.path.join(DATA, "units", "ucum-essence.xml")).getroot()
    for el in root:
        if el.get("Code"):
            codes.add(el.get("Code"))
        v = el.find("value")
        if v is not None and v.get("Unit"):
            codes.add(v.get("Unit"))
    return codes


def messy_units():
    units = set()
    with open(os.path.join(DATA, "units", "sample_units.tsv"), encoding="utf-8") as f:
        for line in f:
            u = line.rstrip("\n").split("\t")[0]
            if u and not u.startswith("#"):
                units.add(u)
    with open(os.path.join(DATA, "units", "ma107_observations.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("UNITS"):
                units.add(row["UNITS"])
    return units


def files(sub, exts):
    for dirpath, _, names in os.walk(os.path.join(DATA, "ingest", sub)):
        for n in sorted(names):
            if n.endswith(exts):
                yield os.path.join(dirpath, n)


def hl7_seeds():
    for path in files("hl7v2", (".hl7",)):
        with open(path, "rb") as f:
            data = f.read()
        yield data
        # each message of a batch on its own
        parts = re.split(rb"(?=MSH\|)", data)
        for p in parts:
            if p.strip() and p != data:
                yield p


def ccda_seeds():
    for path in files("ccda", (".xml", ".ccda")):
        with open(path, "rb") as f:
            data = f.read()
        if len(data) <= 16384:
            yield data
        text = data.decode("utf-8", errors="replace")
        # fragments use xsi: without declaring it; declare it to read them here
        if "xmlns:xsi" not in text:
            text = re.sub(r"<(\w+)", r'<\1 xmlns:xsi="%s"' % XSI, text, count=1)
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            continue
        ET.register_namespace("", HL7V3)
        ET.register_namespace("xsi", XSI)
        for obs in root.iter("{%s}observation" % HL7V3):
            body = ET.tostring(obs, encoding="unicode")
            doc = ('<ClinicalDocument xmlns="%s" xmlns:xsi="%s"><id root="1.2.3" extension="fz"/>'
                   '<recordTarget><patientRole><id extension="p1"/></patientRole></recordTarget>'
                   '%s</ClinicalDocument>' % (HL7V3, XSI, body))
            if len(doc) <= 8192:
                yield doc


def main():
    global ONLY
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    ONLY = sys.argv[2] if len(sys.argv) == 3 else None
    codes = ucum_codes()
    messy = messy_units()
    for c in codes | messy:
        write(out, "ucum", c)
    for c in messy | set(list(sorted(codes))[::4]):
        write(out, "unit_normalize", c)
    for s in hl7_seeds():
        write(out, "hl7v2", s)
    for s in ccda_seeds():
        write(out, "ccda", s)
    kept = os.path.join(TOP, "test", "fuzz", "seeds")
    for name in ("ucum", "unit_normalize", "hl7v2", "ccda"):
        d = os.path.join(kept, name)
        if os.path.isdir(d):
            for n in sorted(os.listdir(d)):
                with open(os.path.join(d, n), "rb") as f:
                    write(out, name, f.read())
    for name in ("ucum", "unit_normalize", "hl7v2", "ccda"):
        d = os.path.join(out, name)
        if ONLY and name != ONLY:
            continue
        print("%s: %d seeds" % (name, len(os.listdir(d)) if os.path.isdir(d) else 0))


main()
