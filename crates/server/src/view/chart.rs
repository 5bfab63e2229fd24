//! Charts drawn by the server as SVG, so that they print and need no script: a line
//! per series over the years, or bars side by side for each year. A year without a
//! value breaks the line or has no bar (blank is not zero) and is marked on the axis
//! as 无数据; a value of 0 is drawn as 0.

use maud::{html, Markup};

/// One line of a chart.
pub struct Series {
    pub label: String,
    /// `(year, value)`, any order; `None` where the year has no value.
    pub points: Vec<(i32, Option<f64>)>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 36.0;

/// How values are written on the axis.
#[derive(Clone, Copy)]
pub enum Scale {
    Count,
    Percent,
}

impl Scale {
    fn label(self, v: f64) -> String {
        match self {
            Scale::Count => format!("{v:.0}"),
            Scale::Percent => format!("{:.0}%", v * 100.0),
        }
    }
}

/// A line chart of `series` over the years they cover.
pub fn line_chart(title: &str, series: &[Series], scale: Scale) -> Markup {
    let (years, top) = (years_of(series), axis_top(series, scale));
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let x = |year: i32| -> f64 {
        match years.iter().position(|&y| y == year) {
            Some(i) if years.len() > 1 => LEFT + plot_w * i as f64 / (years.len() - 1) as f64,
            _ => LEFT + plot_w / 2.0,
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - if top > 0.0 { v / top } else { 0.0 });
    let ticks: Vec<f64> = (0..=4).map(|i| top * i as f64 / 4.0).collect();
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {HEIGHT}"))
            role="img" aria-label=(title) {
            text.title x=(f(LEFT)) y="16" { (title) }
            @for t in &ticks {
                line.grid x1=(f(LEFT)) x2=(f(WIDTH - RIGHT)) y1=(f(y(*t))) y2=(f(y(*t))) {}
                text.tick x=(f(LEFT - 6.0)) y=(f(y(*t) + 4.0)) text-anchor="end" { (scale.label(*t)) }
            }
            @for year in &years {
                text.tick x=(f(x(*year))) y=(f(HEIGHT - BOTTOM + 16.0)) text-anchor="middle" { (year) }
            }
            @for (i, s) in series.iter().enumerate() {
                g class=(format!("series s{i}")) {
                    title { (s.label) }
                    @for run in runs(&s.points) {
                        @if run.len() > 1 {
                            polyline points=(run.iter().map(|(yr, v)| format!("{},{}", f(x(*yr)), f(y(*v)))).collect::<Vec<_>>().join(" ")) {}
                        }
                        @for (yr, v) in &run {
                            circle cx=(f(x(*yr))) cy=(f(y(*v))) r="3" { title { (s.label) " " (yr) "：" (scale.label_value(*v)) } }
                        }
                    }
                    @for (yr, _) in s.points.iter().filter(|p| p.1.is_none()) {
                        text.missing x=(f(x(*yr))) y=(f(HEIGHT - BOTTOM - 4.0)) text-anchor="middle" { "无数据" }
                    }
                }
            }
        }
    }
}

/// Bars over the years: for each year, one bar per series side by side, with its value
/// written above it. A series without a value for a year has no bar there, and the
/// year says 无数据 when no series has one.
pub fn bar_chart(title: &str, series: &[Series], scale: Scale) -> Markup {
    let (years, top) = (years_of(series), axis_top(series, scale));
    let value = |s: &Series, year: i32| s.points.iter().find(|p| p.0 == year).and_then(|p| p.1);
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let slot = plot_w / years.len().max(1) as f64;
    // The bars of a year fill 70 % of its slot.
    let bar_w = slot * 0.7 / series.len().max(1) as f64;
    let y = |v: f64| TOP + plot_h * (1.0 - if top > 0.0 { v / top } else { 0.0 });
    let ticks: Vec<f64> = (0..=4).map(|i| top * i as f64 / 4.0).collect();
    html! {
        svg.chart.bars xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {HEIGHT}"))
            role="img" aria-label=(title) {
            text.title x=(f(LEFT)) y="16" { (title) }
            @for t in &ticks {
                line.grid x1=(f(LEFT)) x2=(f(WIDTH - RIGHT)) y1=(f(y(*t))) y2=(f(y(*t))) {}
                text.tick x=(f(LEFT - 6.0)) y=(f(y(*t) + 4.0)) text-anchor="end" { (scale.label(*t)) }
            }
            @for (i, year) in years.iter().enumerate() {
                @let centre = LEFT + slot * (i as f64 + 0.5);
                text.tick x=(f(centre)) y=(f(HEIGHT - BOTTOM + 16.0)) text-anchor="middle" { (year) }
                @if series.iter().all(|s| value(s, *year).is_none()) {
                    text.missing x=(f(centre)) y=(f(HEIGHT - BOTTOM - 4.0)) text-anchor="middle" { "无数据" }
                }
            }
            @for (k, s) in series.iter().enumerate() {
                g class=(format!("series s{k}")) {
                    title { (s.label) }
                    @for (i, year) in years.iter().enumerate() {
                        @if let Some(v) = value(s, *year) {
                            @let x0 = LEFT + slot * i as f64 + slot * 0.15 + bar_w * k as f64;
                            rect x=(f(x0)) y=(f(y(v))) width=(f(bar_w)) height=(f(y(0.0) - y(v))) {
                                title { (s.label) " " (year) "：" (scale.label_value(v)) }
                            }
                            text.value x=(f(x0 + bar_w / 2.0)) y=(f(y(v) - 3.0)) text-anchor="middle" { (scale.label_value(v)) }
                        }
                    }
                }
            }
        }
    }
}

impl Scale {
    fn label_value(self, v: f64) -> String {
        match self {
            Scale::Count => format!("{v}"),
            Scale::Percent => format!("{:.1}%", v * 100.0),
        }
    }
}

/// The points in year order, cut where a year has no value.
fn runs(points: &[(i32, Option<f64>)]) -> Vec<Vec<(i32, f64)>> {
    let mut sorted = points.to_vec();
    sorted.sort_by_key(|p| p.0);
    let mut out: Vec<Vec<(i32, f64)>> = vec![Vec::new()];
    for (year, v) in sorted {
        match v {
            Some(v) => out.last_mut().map(|r| r.push((year, v))).unwrap_or(()),
            None => {
                if out.last().is_some_and(|r| !r.is_empty()) {
                    out.push(Vec::new());
                }
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// Every year of any series, in order.
fn years_of(series: &[Series]) -> Vec<i32> {
    let mut years: Vec<i32> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// The axis's top: a round number at or above every value.
fn axis_top(series: &[Series], scale: Scale) -> f64 {
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .fold(0.0f64, f64::max);
    nice_ceiling(max, scale)
}

/// A round top for the axis: 1, 2 or 5 × a power of ten (percentages top at 100 %).
fn nice_ceiling(max: f64, scale: Scale) -> f64 {
    if let Scale::Percent = scale {
        return 1.0f64.max(max);
    }
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&c| c >= max)
        .unwrap_or(10.0 * magnitude)
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_year_breaks_the_line() {
        let s = Series {
            label: "收到申请".into(),
            points: vec![
                (2021, Some(10.0)),
                (2022, None),
                (2023, Some(30.0)),
                (2024, Some(40.0)),
            ],
        };
        assert_eq!(
            runs(&s.points),
            vec![vec![(2021, 10.0)], vec![(2023, 30.0), (2024, 40.0)]]
        );
        let svg = line_chart("收到申请数", &[s], Scale::Count).into_string();
        // One polyline (2023–2024); 2021 stands alone as a point; 2022 says 无数据.
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("无数据"));
        // The axis tops at 50 (a round number above 40): 40 sits at 4/5 of the height.
        let y40 = TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - 40.0 / 50.0);
        assert!(
            svg.contains(&format!("{},{}", f(WIDTH - RIGHT), f(y40))),
            "{svg}"
        );
    }

    #[test]
    fn bars_are_drawn_for_values_only() {
        let s = [
            Series {
                label: "行政复议".into(),
                points: vec![(2021, Some(4.0)), (2022, Some(0.0)), (2023, None)],
            },
            Series {
                label: "行政诉讼".into(),
                points: vec![(2021, Some(2.0)), (2022, None), (2023, None)],
            },
        ];
        let svg = bar_chart("复议和诉讼", &s, Scale::Count).into_string();
        // Three bars: 4 and 2 in 2021, 0 (a value, drawn flat) in 2022; none for blanks.
        assert_eq!(svg.matches("<rect").count(), 3);
        // Only 2023 has no value in any series.
        assert_eq!(svg.matches("无数据").count(), 1);
        // The axis tops at 5: the bar of 4 rises 4/5 of the plot from its foot.
        let plot_h = HEIGHT - TOP - BOTTOM;
        let h4 = plot_h * 4.0 / 5.0;
        assert!(svg.contains(&format!("height=\"{}\"", f(h4))), "{svg}");
        assert!(svg.contains(&format!("height=\"{}\"", f(0.0))), "{svg}");
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_ceiling(40.0, Scale::Count), 50.0);
        assert_eq!(nice_ceiling(7.0, Scale::Count), 10.0);
        assert_eq!(nice_ceiling(120.0, Scale::Count), 200.0);
        assert_eq!(nice_ceiling(0.0, Scale::Count), 1.0);
        assert_eq!(nice_ceiling(0.42, Scale::Percent), 1.0);
    }
}
