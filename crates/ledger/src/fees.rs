//! 信息处理费 (办法, 国办函〔2020〕109号): free unless requests clearly exceed a reasonable
//! range; one method per request, never both, each progressive ("超额累进").
//! - 按件 (Art 4): per applicant per calendar month, the 1st–10th request free, the
//!   11th–30th 100 元 each, and from the 31st each further band of ten 100 元 more
//!   (31–40: 200 元, 41–50: 300 元, …).
//! - 按量 (Art 5): per request, pages 1–30 free, 31–100 10 元/page, 101–200 20 元/page,
//!   201 and more 40 元/page.
//!
//! Amounts are whole yuan; every amount comes with its computation in words.

use serde::{Deserialize, Serialize};

/// How a request's fee is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum FeeMethod {
    /// 按件计收: the request's rank among the applicant's requests of its month.
    PerRequest,
    /// 按量计收: pages provided.
    PerPage { pages: u32 },
}

/// An amount and how it was reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FeeComputation {
    pub yuan: u64,
    pub explanation: String,
}

/// The fee of the `rank`-th request (1-based) of one applicant in one calendar month.
pub fn request_fee(rank: u32) -> FeeComputation {
    let (yuan, band) = match rank {
        0..=10 => (0, "第 1–10 件免费".to_string()),
        11..=30 => (100, "第 11–30 件每件 100 元".to_string()),
        _ => {
            let step = (rank - 31) / 10;
            let price = 200 + 100 * u64::from(step);
            let from = 31 + step * 10;
            (price, format!("第 {from}–{} 件每件 {price} 元", from + 9))
        }
    };
    FeeComputation {
        yuan,
        explanation: format!("按件计收：本月同一申请人第 {rank} 件申请，{band}，收费 {yuan} 元"),
    }
}

/// The fee for `pages` pages of one request.
pub fn page_fee(pages: u32) -> FeeComputation {
    const BANDS: [(u32, u32, u64); 4] = [
        (1, 30, 0),
        (31, 100, 10),
        (101, 200, 20),
        (201, u32::MAX, 40),
    ];
    let mut parts = Vec::new();
    let mut yuan = 0u64;
    for (from, to, rate) in BANDS {
        if pages < from {
            break;
        }
        let upto = pages.min(to);
        let n = u64::from(upto - from + 1);
        if rate == 0 {
            parts.push(format!("第 {from}–{upto} 页免费"));
        } else {
            yuan += n * rate;
            parts.push(format!(
                "第 {from}–{upto} 页 {n} 页 × {rate} 元 = {} 元",
                n * rate
            ));
        }
    }
    let explanation = if pages == 0 {
        "按量计收：0 页，收费 0 元".to_string()
    } else {
        format!(
            "按量计收：共 {pages} 页；{}；合计 {yuan} 元",
            parts.join("；")
        )
    };
    FeeComputation { yuan, explanation }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_request_bands() {
        let fee = |k| request_fee(k).yuan;
        assert_eq!(
            [
                fee(1),
                fee(10),
                fee(11),
                fee(30),
                fee(31),
                fee(40),
                fee(41),
                fee(50),
                fee(51)
            ],
            [0, 0, 100, 100, 200, 200, 300, 300, 400]
        );
        assert_eq!(
            request_fee(45).explanation,
            "按件计收：本月同一申请人第 45 件申请，第 41–50 件每件 300 元，收费 300 元"
        );
    }

    #[test]
    fn per_page_is_progressive() {
        assert_eq!(page_fee(30).yuan, 0);
        assert_eq!(page_fee(31).yuan, 10);
        assert_eq!(page_fee(100).yuan, 700);
        assert_eq!(page_fee(101).yuan, 720);
        assert_eq!(page_fee(200).yuan, 2700);
        assert_eq!(page_fee(250).yuan, 4700);
        assert_eq!(
            page_fee(250).explanation,
            "按量计收：共 250 页；第 1–30 页免费；第 31–100 页 70 页 × 10 元 = 700 元；\
             第 101–200 页 100 页 × 20 元 = 2000 元；第 201–250 页 50 页 × 40 元 = 2000 元；合计 4700 元"
        );
    }
}
