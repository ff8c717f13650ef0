#!/usr/bin/env bash
# Draws the pictures of a model card: ROC curves and calibration plots, from
# precmed.roc_curve, precmed.auroc and precmed.calibration run in a precmed
# database, with gnuplot (Debian's gnuplot-nox, installed when missing).
#
#   bash docs/plots/make_plots.sh [PREFIX QUERY]
#
# QUERY returns one row per scored case: curve text, score float8 (a
# probability), label boolean; one ROC picture overlays every curve
# (docs/img/PREFIX_roc.png) and each curve gets a calibration picture
# (docs/img/PREFIX_<curve>_calibration.png): observed rate against mean
# predicted risk in tenths of predicted risk (95 % intervals), the fitted
# recalibration curve logit P = intercept + slope * logit(score) of
# precmed.calibration, and the diagonal of perfect calibration.
#
# Without arguments: the out-of-fold predictions of the 5-fold
# cross-validation of the AKI models on PhysioNet 2012 set A
# (docs/aki_risk.md), PREFIX aki; ml_seta.cv_pred is made first when the
# database lacks it (test/data/ml/load_seta.sql, aki_features and
# cv_seta.sql: several minutes).  psql connects as PGHOST, PGPORT, PGUSER,
# PGDATABASE say.  Run from anywhere.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"

if ! command -v gnuplot >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q gnuplot-nox >/dev/null
  else sudo apt-get install -y -q gnuplot-nox >/dev/null; fi
fi
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

if [ $# -eq 0 ]; then
  prefix=aki
  query="SELECT model AS curve, p AS score, aki AS label FROM ml_seta.cv_pred"
  if [ "$("${PSQL[@]}" -At -c "SELECT to_regclass('ml_seta.cv_pred') IS NOT NULL")" != t ]; then
    echo "making ml_seta.cv_pred (set A, 5-fold cross-validation)..." >&2
    "${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS precmed" -f test/data/ml/load_seta.sql \
      -c "CREATE TABLE ml_seta.features AS SELECT * FROM precmed.aki_features('ml_seta.observations', 'ml_seta.stays')" \
      -f test/data/ml/cv_seta.sql >/dev/null
  fi
elif [ $# -eq 2 ]; then
  prefix=$1 query=$2
  [[ "$prefix" =~ ^[A-Za-z0-9_-]+$ ]] || { echo "PREFIX: letters, digits, _ and - only" >&2; exit 2; }
else
  echo "usage: bash docs/plots/make_plots.sh [PREFIX QUERY]" >&2; exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p docs/img

# per curve: AUROC, calibration slope and intercept, cases, positives
"${PSQL[@]}" -At -F '|' >"$work/curves" <<SQL
SELECT curve, precmed.auroc(score, label), (precmed.calibration(score, label)).slope,
       (precmed.calibration(score, label)).intercept, count(*), count(*) FILTER (WHERE label)
  FROM ($query) q GROUP BY curve ORDER BY curve
SQL
[ -s "$work/curves" ] || { echo "the query returned no rows" >&2; exit 1; }

roc_plot="plot '-' using 1:2 with lines dashtype 2 linecolor rgb '#999999' title 'chance'"
roc_data=$'0 0\n1 1\ne\n'
i=0
while IFS='|' read -r curve auroc slope intercept n npos; do
  i=$((i + 1))
  safe=$(printf '%s' "$curve" | tr -c 'A-Za-z0-9_-' '_')
  # ROC points (fpr, tpr) of precmed.roc_curve
  "${PSQL[@]}" -At -F ' ' -v curve="$curve" >"$work/roc_$i" <<SQL
SELECT p.fpr, p.tpr
  FROM (SELECT precmed.roc_curve(score, label) AS r FROM ($query) q WHERE curve = :'curve') c,
       unnest(c.r) WITH ORDINALITY p(threshold, fpr, tpr, k) ORDER BY k
SQL
  roc_plot+=", '$work/roc_$i' using 1:2 with lines linewidth 2 title sprintf('%s (AUROC %.3f)', '${curve//\'/}', $auroc)"
  # calibration: tenths of predicted risk, mean predicted vs observed, 95 % interval
  "${PSQL[@]}" -At -F ' ' -v curve="$curve" >"$work/cal_$i" <<SQL
SELECT avg(score), avg(label::int), count(*),
       greatest(avg(label::int) - 1.96 * sqrt(avg(label::int) * (1 - avg(label::int)) / count(*)), 0),
       least(avg(label::int) + 1.96 * sqrt(avg(label::int) * (1 - avg(label::int)) / count(*)), 1)
  FROM (SELECT score, label, ntile(10) OVER (ORDER BY score) AS bin
          FROM ($query) q WHERE curve = :'curve' AND score IS NOT NULL AND label IS NOT NULL) b
 GROUP BY bin ORDER BY bin
SQL
  top_axis=$(awk 'BEGIN { m = 0 } { if ($1 > m) m = $1; if ($5 > m) m = $5 } END { m = m * 1.1; print (m > 1 ? 1 : m) }' "$work/cal_$i")
  gnuplot <<GP
set terminal pngcairo size 640,640 font 'DejaVu Sans,11'
set output 'docs/img/${prefix}_${safe}_calibration.png'
set title sprintf("Calibration: %s (%d cases, %d positive)", '${curve//\'/}', $n, $npos)
set xlabel 'predicted risk'
set ylabel 'observed rate'
set xrange [0:$top_axis]
set yrange [0:$top_axis]
set key inside top left Left reverse opaque box samplen 2
set grid
set size square
fit_curve(x) = 1 / (1 + exp(-($intercept + $slope * log(x / (1 - x)))))
set samples 400
plot x with lines dashtype 2 linecolor rgb '#999999' title 'perfect calibration', \
     fit_curve(x) with lines linewidth 2 linecolor rgb '#d95f02' title sprintf('fit: slope %.2f, intercept %.2f', $slope, $intercept), \
     '$work/cal_$i' using 1:2:4:5 with yerrorbars pointtype 7 pointsize 1.2 linecolor rgb '#1b9e77' title 'tenths of risk (95 % CI)'
GP
  echo "docs/img/${prefix}_${safe}_calibration.png"
done <"$work/curves"

gnuplot <<GP
set terminal pngcairo size 640,560 font 'DejaVu Sans,11'
set output 'docs/img/${prefix}_roc.png'
set title 'ROC curves'
set xlabel 'false positive rate (1 - specificity)'
set ylabel 'true positive rate (sensitivity)'
set xrange [0:1]
set yrange [0:1]
set size ratio -1
set key bottom right
set grid
$roc_plot
$roc_data
GP
echo "docs/img/${prefix}_roc.png"
