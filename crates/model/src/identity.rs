//! The tables' arithmetic, defined once: the parser's solver, the run-together splitter,
//! the corpus's evidence and the A/Y rules all ask these functions.
//!
//! Counts come from documents and may be absurd (a 19-digit number): sums are taken in
//! `i128`, which no table of `i64` counts can overflow.

/// The exact sum of counts.
pub fn sum(values: impl IntoIterator<Item = i64>) -> i128 {
    values.into_iter().map(i128::from).sum()
}

/// Table 三, one row: 总计 = the six applicant columns.
pub fn request_row_balanced(row: &[i64; 7]) -> bool {
    sum(row[..6].iter().copied()) == i128::from(row[6])
}

/// Table 三, one column: 一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理.
pub fn request_column_balanced(new: i64, carried: i64, processed: i64, forward: i64) -> bool {
    i128::from(new) + i128::from(carried) == i128::from(processed) + i128::from(forward)
}

/// Table 三, one column: （七）总计 = the sum of the outcome rows（一）…（六）.
pub fn outcomes_balanced(outcomes: impl IntoIterator<Item = i64>, processed: i64) -> bool {
    sum(outcomes) == i128::from(processed)
}

/// Table 四, one group: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
pub fn review_group_balanced(group: &[i64; 5]) -> bool {
    sum(group[..4].iter().copied()) == i128::from(group[4])
}

/// Table 二 across years: 现行有效件数 this year = last year's + 本年制发 − 本年废止.
pub fn stock_expected(previous_in_force: i64, issued: i64, repealed: i64) -> i128 {
    i128::from(previous_in_force) + i128::from(issued) - i128::from(repealed)
}

/// Table 三 across years: this year's 二、上年结转 = last year's 四、结转下年度继续办理.
pub fn carry_over_continuous(last_forward: i64, carried: i64) -> bool {
    last_forward == carried
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities() {
        assert!(request_row_balanced(&[217, 1, 0, 0, 0, 0, 218]));
        assert!(!request_row_balanced(&[217, 1, 0, 0, 0, 0, 217]));
        assert!(request_column_balanced(7, 2, 9, 0));
        assert!(outcomes_balanced([4, 1, 0], 5));
        assert!(review_group_balanced(&[2, 1, 3, 1, 7]));
        assert_eq!(stock_expected(440, 62, 33), 469);
        // No overflow on absurd numbers.
        assert!(!request_row_balanced(&[i64::MAX, i64::MAX, 0, 0, 0, 0, -2]));
        assert_eq!(
            stock_expected(i64::MAX, i64::MAX, i64::MIN),
            3 * i128::from(i64::MAX) + 1
        );
    }
}
