"""Adds up the TRX files of one `dotnet test` run into the closing line CI reads: 'N passed, N failed[, N skipped]'."""
import glob
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", NS)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # xUnit's TRX counts a skipped test only as the gap between total and executed (notExecuted stays 0).
    skipped += max(int(counters.get("notExecuted", 0)), int(counters.get("total", 0)) - int(counters.get("executed", 0)))

line = f"{passed} passed, {failed} failed"
print(line + (f", {skipped} skipped" if skipped else ""))
