//! The three tables: consistent values, and the changes the injections make to them.
//!
//! Values follow what real reports show: most requests come from natural persons, most
//! outcome rows are zero, a few rows (予以公开, 本机关不掌握, 其他) carry the load, and
//! review and litigation are rare. Every identity of the format holds by construction
//! (row totals, 一 + 二 = （七） + 四 per column, （七） = Σ outcomes, table 四 group totals);
//! the injections then break exactly the identities they are meant to break.

use gongkai_model::schema::{
    request_rows, ActiveRowKey, Edition, RequestRowKey, ACTIVE_2019, ACTIVE_2021,
};
use gongkai_model::Value;

use crate::rng::Rng;
use crate::{ActiveRowValues, RequestRowValues, Tables};

/// Relative weights of the outcome rows (2021 split layout, schema order), from how
/// often each outcome carries requests in real reports.
const OUTCOME_WEIGHTS: [u32; 21] = [
    40, // granted
    14, // partially_granted
    1, 2, 1, 3, 3, 4, 1, 3, // denied ×8
    22, 4, 3, // unable ×3
    3, 3, 1, 1, 2, // not_processed ×5
    3, 1, 8, // other ×3
];

/// Applicant columns: (probability the column is all zero, max new requests when it is not).
const ORG_COLUMNS: [(f64, i64); 5] = [(0.55, 12), (0.93, 3), (0.9, 3), (0.85, 5), (0.8, 6)];

/// A table 三 (2021 layout, 25 rows) whose identities all hold.
fn requests(rng: &mut Rng) -> Vec<RequestRowValues> {
    let outcome_keys: Vec<RequestRowKey> = request_rows(true)
        .filter(|d| d.is_outcome)
        .map(|d| d.key)
        .collect();
    debug_assert_eq!(outcome_keys.len(), OUTCOME_WEIGHTS.len());

    // The outcomes this agency uses this year: a handful of rows, weighted.
    let mut weights = OUTCOME_WEIGHTS;
    let n_active = 1 + rng.weighted(&[3, 5, 5, 4, 3, 2, 1]);
    let mut active = [0u32; 21];
    for _ in 0..n_active {
        let i = rng.weighted(&weights);
        active[i] = OUTCOME_WEIGHTS[i].max(1) * rng.range(1, 4) as u32;
        weights[i] = 0;
        if weights.iter().all(|&w| w == 0) {
            break;
        }
    }

    let scale = rng.weighted(&[5, 4, 2]);
    let natural_new = match scale {
        0 => rng.count(0.3, 6, 15),
        1 => rng.range(5, 80),
        _ => rng.range(80, 1500),
    };

    let mut new = [0i64; 7];
    let mut over = [0i64; 7];
    let mut forward = [0i64; 7];
    let mut outcomes = vec![[0i64; 7]; 21];
    for c in 0..6 {
        new[c] = if c == 0 {
            natural_new
        } else {
            let (zero, max) = ORG_COLUMNS[c - 1];
            // Companies file a share of what citizens file; the other kinds stay few.
            let scale = if c == 1 { 20 } else { 200 };
            if rng.chance(zero) {
                0
            } else {
                rng.range(1, max + natural_new / scale)
            }
        };
        over[c] = if rng.chance(0.75) {
            0
        } else {
            rng.range(0, (new[c] / 10).clamp(1, 20))
        };
        let available = new[c] + over[c];
        forward[c] = if available == 0 || rng.chance(0.6) {
            0
        } else {
            rng.range(0, (available / 6).clamp(1, 40)).min(available)
        };
        let processed = available - forward[c];
        distribute(rng, processed, &active, &mut outcomes, c);
    }

    let mut rows: Vec<RequestRowValues> = Vec::with_capacity(25);
    let mut next_outcome = 0;
    for def in request_rows(true) {
        let mut cells = match def.key {
            RequestRowKey::NewReceived => new,
            RequestRowKey::CarriedOver => over,
            RequestRowKey::CarriedForward => forward,
            RequestRowKey::TotalProcessed => {
                let mut t = [0i64; 7];
                for o in &outcomes {
                    for c in 0..6 {
                        t[c] += o[c];
                    }
                }
                t
            }
            _ => {
                next_outcome += 1;
                outcomes[next_outcome - 1]
            }
        };
        cells[6] = cells[..6].iter().sum();
        rows.push(RequestRowValues {
            key: def.key,
            cells: cells.map(Some),
        });
    }
    rows
}

/// Spread `n` processed requests of column `c` over the active outcome rows.
fn distribute(rng: &mut Rng, n: i64, active: &[u32; 21], out: &mut [[i64; 7]], c: usize) {
    if n <= 0 {
        return;
    }
    if n > 64 {
        // The bulk in proportion to randomly perturbed weights, the rest one by one.
        let w: Vec<u64> = active
            .iter()
            .map(|&a| u64::from(a) * (1 + rng.below(4) as u64))
            .collect();
        let total: u64 = w.iter().sum();
        let bulk = n - 32;
        let mut given = 0;
        for (i, &wi) in w.iter().enumerate() {
            let share = (bulk as u128 * u128::from(wi) / u128::from(total)) as i64;
            out[i][c] += share;
            given += share;
        }
        for _ in 0..(n - given) {
            out[rng.weighted(active)][c] += 1;
        }
    } else {
        for _ in 0..n {
            out[rng.weighted(active)][c] += 1;
        }
    }
}

/// A table-四 group: usually all zero; otherwise a few cases with their total.
fn review_group(rng: &mut Rng, zero: f64) -> [Option<i64>; 5] {
    if rng.chance(zero) {
        return [Some(0); 5];
    }
    let mut v = [
        rng.range(0, 4),
        rng.count(0.7, 2, 4),
        rng.count(0.7, 2, 3),
        rng.count(0.6, 2, 5),
        0,
    ];
    if v[..4].iter().all(|&x| x == 0) {
        v[0] = 1;
    }
    v[4] = v[..4].iter().sum();
    v.map(Some)
}

/// A money amount as printed: "0", "12.5", "0.0350", "12372.0506" (units of 万元).
fn amount(rng: &mut Rng, zero: f64) -> String {
    if rng.chance(zero) {
        return rng.pick(&["0", "0", "0", "0.00", "0.0000"]).to_string();
    }
    let int = rng.count(0.4, 50, 20_000);
    let digits = rng.weighted(&[2, 2, 3, 1, 3]);
    let mut s = int.to_string();
    if digits > 0 {
        s.push('.');
        for i in 0..digits {
            // No "12.0": a printed decimal has a non-zero last digit, or none at all.
            let d = if i + 1 == digits {
                rng.range(1, 9)
            } else {
                rng.range(0, 9)
            };
            s.push(char::from(b'0' + d as u8));
        }
    }
    s
}

fn counts(xs: &[i64]) -> Vec<Option<Value>> {
    xs.iter().map(|&n| Some(Value::Count(n))).collect()
}

/// Table 二, 2021 edition.
fn active_2021(rng: &mut Rng) -> Vec<ActiveRowValues> {
    ACTIVE_2021
        .iter()
        .map(|def| {
            let cells = match def.key {
                ActiveRowKey::Regulations => {
                    if rng.chance(0.85) {
                        counts(&[0, 0, 0])
                    } else {
                        let issued = rng.range(0, 3);
                        counts(&[issued, rng.range(0, 2), issued + rng.range(0, 40)])
                    }
                }
                ActiveRowKey::NormativeDocuments => {
                    let issued = rng.count(0.3, 10, 40);
                    let repealed = rng.count(0.5, 5, 20);
                    counts(&[issued, repealed, issued + rng.count(0.2, 60, 400)])
                }
                ActiveRowKey::Licensing => counts(&[rng.count(0.5, 300, 20_000)]),
                ActiveRowKey::Penalty => counts(&[rng.count(0.5, 100, 5_000)]),
                ActiveRowKey::Coercion => counts(&[rng.count(0.7, 20, 500)]),
                _ => vec![Some(Value::Amount(amount(rng, 0.65)))],
            };
            ActiveRowValues {
                key: def.key,
                cells,
            }
        })
        .collect()
}

/// Table 二, 2019 edition (the superseded template some 2021+ reports still fill in).
fn active_2019(rng: &mut Rng) -> Vec<ActiveRowValues> {
    ACTIVE_2019
        .iter()
        .map(|def| {
            let cells = match def.key {
                ActiveRowKey::Regulations | ActiveRowKey::NormativeDocuments => {
                    let made = rng.count(0.5, 10, 30);
                    counts(&[made, made, made + rng.count(0.3, 50, 300)])
                }
                ActiveRowKey::Fees => {
                    let prev = rng.count(0.6, 5, 20);
                    counts(&[prev, rng.range(-prev, 2)])
                }
                ActiveRowKey::Procurement => {
                    let items = rng.count(0.5, 10, 80);
                    let amount = if items == 0 {
                        "0".to_string()
                    } else if rng.chance(0.3) {
                        format!("{}.{:02}元", rng.range(1_000, 90_000_000), rng.range(1, 99))
                    } else {
                        amount(rng, 0.0)
                    };
                    vec![Some(Value::Count(items)), Some(Value::Amount(amount))]
                }
                _ => {
                    let prev = rng.count(0.5, 30, 300);
                    counts(&[prev, rng.range(-prev.min(5), 5), rng.count(0.5, 200, 5_000)])
                }
            };
            ActiveRowValues {
                key: def.key,
                cells,
            }
        })
        .collect()
}

/// Consistent tables in the 2021 edition.
pub(crate) fn generate(rng: &mut Rng) -> Tables {
    let active = active_2021(rng);
    let requests = requests(rng);
    let review = [
        review_group(rng, 0.7),
        review_group(rng, 0.85),
        review_group(rng, 0.9),
    ];
    Tables {
        active_edition: Edition::E2021,
        active,
        requests,
        review: Some(review),
    }
}

/// Table 二 in the 2019 edition instead.
pub(crate) fn use_2019_active(t: &mut Tables, rng: &mut Rng) {
    t.active_edition = Edition::E2019;
    t.active = active_2019(rng);
}

/// Table 三 with （六）其他处理 as one row (2019 layout): the three sub-rows summed.
pub(crate) fn merge_other_handling(t: &mut Tables) {
    let split = [
        RequestRowKey::OtherNoCorrection,
        RequestRowKey::OtherFeeUnpaid,
        RequestRowKey::OtherOther,
    ];
    let Some(at) = t.requests.iter().position(|r| r.key == split[0]) else {
        return;
    };
    let mut sum = [Some(0i64); 7];
    for r in t.requests.iter().filter(|r| split.contains(&r.key)) {
        for (s, v) in sum.iter_mut().zip(r.cells) {
            *s = s.zip(v).map(|(a, b)| a + b);
        }
    }
    t.requests.retain(|r| !split.contains(&r.key));
    t.requests.insert(
        at,
        RequestRowValues {
            key: RequestRowKey::OtherHandling,
            cells: sum,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::schema::RequestColumn;

    fn row(t: &Tables, k: RequestRowKey) -> [i64; 7] {
        t.row(k).unwrap().map(|v| v.unwrap())
    }

    #[test]
    fn generated_tables_are_consistent() {
        for seed in 0..500 {
            let mut rng = Rng::new(seed, 0);
            let mut t = generate(&mut rng);
            if seed % 2 == 0 {
                merge_other_handling(&mut t);
            }
            for r in &t.requests {
                let v = r.cells.map(|c| c.unwrap());
                assert_eq!(v[..6].iter().sum::<i64>(), v[6], "{:?}", r.key);
                assert!(v.iter().all(|&x| x >= 0));
            }
            let (a, b, s, f) = (
                row(&t, RequestRowKey::NewReceived),
                row(&t, RequestRowKey::CarriedOver),
                row(&t, RequestRowKey::TotalProcessed),
                row(&t, RequestRowKey::CarriedForward),
            );
            for c in RequestColumn::ALL {
                let c = c.index();
                assert_eq!(a[c] + b[c], s[c] + f[c]);
                let outcomes: i64 = request_rows(seed % 2 == 1)
                    .filter(|d| d.is_outcome)
                    .map(|d| row(&t, d.key)[c])
                    .sum();
                assert_eq!(outcomes, s[c]);
            }
            for g in t.review.unwrap() {
                let g = g.map(|c| c.unwrap());
                assert_eq!(g[..4].iter().sum::<i64>(), g[4]);
            }
        }
    }
}
