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

/// A table 三 (2021 layout, 25 rows) whose identities all hold. `scale` is the volume
/// of requests (drawn when `None`); `carried_over` gives 二、上年结转 per applicant
/// column (a corpus continues last year's 结转下年度; drawn when `None`).
fn requests(
    rng: &mut Rng,
    scale: Option<usize>,
    carried_over: Option<&[i64; 6]>,
) -> Vec<RequestRowValues> {
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

    let scale = scale.unwrap_or_else(|| rng.weighted(&[5, 4, 2]));
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
        over[c] = match carried_over {
            Some(given) => given[c],
            None if rng.chance(0.75) => 0,
            None => rng.range(0, (new[c] / 10).clamp(1, 20)),
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
    let requests = requests(rng, None, None);
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

/// What stays the same for one agency from year to year.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Profile {
    /// Volume of requests: 0 a few, 1 some dozens, 2 hundreds.
    pub scale: usize,
    /// Whether the agency makes 规章 at all (only governments with legislative power do).
    pub makes_regulations: bool,
}

impl Profile {
    pub fn draw(rng: &mut Rng) -> Profile {
        Profile {
            scale: rng.weighted(&[5, 4, 2]),
            makes_regulations: rng.chance(0.15),
        }
    }
}

/// Last year's numbers that this year's tables continue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Previous {
    /// This year's 二、上年结转 per applicant column: last year's 四、结转下年度继续办理
    /// (or, for a planted carry-over mismatch, something else).
    pub carried_over: [i64; 6],
    /// Last year's printed 现行有效件数 of 规章 and 行政规范性文件.
    pub in_force: [i64; 2],
}

/// Table 二 (2021) whose stocks continue: 现行有效件数 = last year's + 本年制发 − 本年废止.
fn active_2021_continued(
    rng: &mut Rng,
    profile: &Profile,
    in_force: Option<[i64; 2]>,
) -> Vec<ActiveRowValues> {
    let mut rows = active_2021(rng);
    for row in &mut rows {
        let stock = match row.key {
            ActiveRowKey::Regulations => {
                let base = in_force.map_or_else(
                    || {
                        if profile.makes_regulations {
                            rng.range(0, 40)
                        } else {
                            0
                        }
                    },
                    |v| v[0],
                );
                if profile.makes_regulations {
                    let issued = rng.range(0, 3);
                    (base, issued, rng.range(0, 2).min(base + issued))
                } else {
                    (base, 0, 0)
                }
            }
            ActiveRowKey::NormativeDocuments => {
                let base = in_force.map_or_else(|| rng.count(0.2, 60, 400), |v| v[1]);
                let issued = rng.count(0.3, 10, 40);
                (base, issued, rng.count(0.5, 5, 20).min(base + issued))
            }
            _ => continue,
        };
        let (base, issued, repealed) = stock;
        row.cells = counts(&[issued, repealed, base + issued - repealed]);
    }
    rows
}

/// Consistent tables in the 2021 edition for an agency with `profile`, continuing
/// last year's when there is one.
pub(crate) fn continued(rng: &mut Rng, profile: &Profile, prev: Option<&Previous>) -> Tables {
    let active = active_2021_continued(rng, profile, prev.map(|p| p.in_force));
    let requests = requests(rng, Some(profile.scale), prev.map(|p| &p.carried_over));
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

    /// A year that continues the last: 上年结转 as given, 现行有效件数 = last year's +
    /// 制发 − 废止, and every identity of table 三 still holds.
    #[test]
    fn continued_tables_continue() {
        let count = |t: &Tables, k: ActiveRowKey, c: usize| match &t
            .active
            .iter()
            .find(|r| r.key == k)
            .unwrap()
            .cells[c]
        {
            Some(Value::Count(n)) => *n,
            other => panic!("{other:?}"),
        };
        for seed in 0..300 {
            let mut rng = Rng::new(seed, 9);
            let profile = Profile::draw(&mut rng);
            let prev = Previous {
                carried_over: [rng.range(0, 5), 0, rng.range(0, 2), 0, 0, 1],
                in_force: if profile.makes_regulations {
                    [rng.range(0, 30), rng.range(0, 300)]
                } else {
                    [0, rng.range(0, 300)]
                },
            };
            let t = continued(&mut rng, &profile, Some(&prev));
            let over = row(&t, RequestRowKey::CarriedOver);
            assert_eq!(&over[..6], &prev.carried_over[..]);
            for (i, k) in [ActiveRowKey::Regulations, ActiveRowKey::NormativeDocuments]
                .into_iter()
                .enumerate()
            {
                let (issued, repealed, now) = (count(&t, k, 0), count(&t, k, 1), count(&t, k, 2));
                assert_eq!(now, prev.in_force[i] + issued - repealed, "{k:?}");
                assert!(now >= 0 && repealed >= 0);
            }
            for r in &t.requests {
                let v = r.cells.map(|c| c.unwrap());
                assert_eq!(v[..6].iter().sum::<i64>(), v[6], "{:?}", r.key);
                assert!(v.iter().all(|&x| x >= 0));
            }
            let (a, f, s) = (
                row(&t, RequestRowKey::NewReceived),
                row(&t, RequestRowKey::CarriedForward),
                row(&t, RequestRowKey::TotalProcessed),
            );
            for c in 0..7 {
                assert_eq!(a[c] + over[c], s[c] + f[c]);
            }
        }
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
