#!/usr/bin/env bash
# Makes the TreeSHAP reference data of test/pgtap/50_ml_treeshap.sql (see
# PROVENANCE.md here): trains the AKI XGBoost model of docs/aki_risk.md on
# PhysioNet 2012 set A with precmed (defaults, all 3574 stays of the task),
# takes 1,000 stays' feature vectors, and computes their contributions with
# XGBoost's own pred_contribs (python3-xgboost, Debian), not with precmed.
#
#   bash test/data/ml/treeshap/make_reference.sh
#
# Needs a running PostgreSQL with precmed installed (PGHOST/PGPORT/PGUSER/
# PGDATABASE as for psql) and the Debian packages python3-xgboost and
# python3-numpy (installed here when missing; run by /usr/bin/python3).  Run from anywhere; writes
# model.hex.gz, features.csv.gz and contributions.csv.gz next to itself.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../../.." && pwd)
cd "$top"

for p in python3-xgboost python3-numpy; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q "$p"; else sudo apt-get install -y -q "$p"; fi
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

# REUSE=1: the tables of an earlier run in this database are kept
if [ "${REUSE:-0}" != 1 ]; then
"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS precmed;
\i test/data/ml/load_seta.sql
CREATE TABLE ml_seta.features AS
  SELECT * FROM precmed.aki_features('ml_seta.observations', 'ml_seta.stays');
CREATE TABLE ml_seta.shap_model AS
  SELECT precmed.train_xgboost(f.features, t.aki::int::float8, '{}') AS model
    FROM ml_seta.features f JOIN ml_seta.task t USING (stay_id);
-- 1,000 stays of the task, chosen by a hash of the stay id (reproducible)
CREATE TABLE ml_seta.shap_stays AS
  SELECT f.stay_id, f.features FROM ml_seta.features f JOIN ml_seta.task t USING (stay_id)
   ORDER BY hashint8(f.stay_id), f.stay_id LIMIT 1000;
SQL
fi

# the model value as hex; its XGBoost JSON body for Python
"${PSQL[@]}" -At -c "SELECT encode(model, 'hex') FROM ml_seta.shap_model" | gzip -9n >"$here/model.hex.gz"
"${PSQL[@]}" -At -c "SELECT convert_from(substr(model, 41 + (get_byte(model, 12) | (get_byte(model, 13) << 8) |
                       (get_byte(model, 14) << 16) | (get_byte(model, 15) << 24))), 'UTF8')
                     FROM ml_seta.shap_model" >"$work/model.json"
# feature vectors: stay_id, then the values (empty = missing), %.17g text
"${PSQL[@]}" -At -F, -c "SELECT stay_id, array_to_string(features, ',', '') FROM ml_seta.shap_stays
                         ORDER BY stay_id" >"$work/features.csv"
gzip -9n <"$work/features.csv" >"$here/features.csv.gz"

/usr/bin/python3 - "$work/model.json" "$work/features.csv" <<'PY' | gzip -9n >"$here/contributions.csv.gz"
import sys
import numpy as np
import xgboost as xgb

booster = xgb.Booster()
booster.load_model(bytearray(open(sys.argv[1], "rb").read()))
ids, rows = [], []
for line in open(sys.argv[2]):
    parts = line.rstrip("\n").split(",")
    ids.append(parts[0])
    rows.append([float(v) if v != "" else np.nan for v in parts[1:]])
X = np.array(rows, dtype=np.float64)
contribs = booster.predict(xgb.DMatrix(X, missing=np.nan), pred_contribs=True)
margin = booster.predict(xgb.DMatrix(X, missing=np.nan), output_margin=True)
sys.stderr.write("xgboost %s: %d stays x %d columns; max |sum - margin| %.3g\n"
                 % (xgb.__version__, contribs.shape[0], contribs.shape[1],
                    float(np.max(np.abs(contribs.sum(axis=1) - margin)))))
# stay_id, then the contribution of each feature and the bias (last), %.9g
# (XGBoost computes them in float32, which 9 digits represent exactly)
for sid, row in zip(ids, contribs):
    print(sid + "," + ",".join("%.9g" % float(v) for v in row))
PY
ls -l "$here"
