//! Is a page whole, or did its download stop part-way?
//!
//! Many real pages omit closing tags HTML lets them omit (`</p>`, `</td>`, even
//! `</body>` and `</html>`), so a missing closing tag alone proves nothing. A page is
//! taken as cut off only when it ends without `</body>` and `</html>` *and* stops where
//! no whole page ends: inside a tag, a comment or a script, or with a table open.

/// Where a cut-off page stops, or `None` when it may be whole.
pub fn cut_short(page: &str) -> Option<&'static str> {
    let lower = page.to_ascii_lowercase();
    if lower.contains("</html") || lower.contains("</body") {
        return None;
    }
    let end = lower.trim_end();
    if end.rfind("<!--").is_some_and(|i| !end[i..].contains("-->")) {
        return Some("在注释中间中断");
    }
    if let Some(lt) = end.rfind('<') {
        let tag_start = end[lt + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        if tag_start && !end[lt..].contains('>') {
            return Some("在标签中间中断");
        }
    }
    let opened = |open: &str, close: &str| count_tags(end, open) > count_tags(end, close);
    if opened("<script", "</script") {
        return Some("在脚本中间中断");
    }
    if opened("<table", "</table") {
        return Some("在表格中间中断");
    }
    None
}

/// Occurrences of the tag `name` (`<table`, `</table`) followed by a tag-name end.
fn count_tags(lower: &str, name: &str) -> usize {
    lower
        .match_indices(name)
        .filter(|(i, _)| {
            lower[i + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/')
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::cut_short;

    #[test]
    fn a_page_that_stops_mid_table_or_mid_tag_is_cut_short() {
        let page = "<html><body><p>一、总体情况</p><table><tr><td>本年新收</td><td>3</td>";
        assert_eq!(cut_short(page), Some("在表格中间中断"));
        assert_eq!(
            cut_short("<html><body><p>一、总体情况</p><td cla"),
            Some("在标签中间中断")
        );
        assert_eq!(cut_short("<html><body><!-- 页脚"), Some("在注释中间中断"));
        assert_eq!(
            cut_short("<html><body><script>var a = 1;"),
            Some("在脚本中间中断")
        );
    }

    #[test]
    fn omitted_closing_tags_are_not_a_cut() {
        // No </body>, no </html>, no </td> or </p>: a whole page all the same.
        let page = "<html><body><p>一、总体情况<table><tr><td>1<td>2</table><p>六、其他";
        assert_eq!(cut_short(page), None);
        assert_eq!(cut_short("<p>a < b</p>"), None);
        // With </html>, a table left open is the page's own mistake, not a cut.
        assert_eq!(
            cut_short("<html><body><table><tr><td>1</body></html>"),
            None
        );
        assert_eq!(cut_short("<html><body><tablex>"), None);
    }
}
