//! The page shell: the navigation a user's role allows, who is logged in, the logout
//! form with its CSRF token, and the style sheet (embedded in the binary).

use maud::{html, Markup, DOCTYPE};

use crate::authz::{Principal, Role};

/// The style sheet, served at `/static/app.css`.
pub const CSS: &str = include_str!("../static/app.css");
/// The workspace script, embedded like the stylesheet.
pub const JS: &str = include_str!("../static/app.js");

/// A page for a logged-in user.
pub fn page(title: &str, user: &Principal, csrf: &str, body: Markup) -> Markup {
    page_with(title, user, csrf, &Assets::default(), body)
}

/// A page's own stylesheets and scripts (served by its module under `/static/`), besides
/// the shared `app.css` and `app.js`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Assets<'a> {
    pub css: &'a [&'a str],
    pub js: &'a [&'a str],
}

/// [`page`] with the page's own assets.
pub fn page_with(
    title: &str,
    user: &Principal,
    csrf: &str,
    assets: &Assets<'_>,
    body: Markup,
) -> Markup {
    shell_with(
        title,
        assets,
        Some(csrf),
        html! {
            header.top {
                strong { "gongkai 公开" }
                a href="/reports" { "报告" }
                a href="/findings" { "问题清单" }
                @if user.role != Role::AgencyStaff {
                    a href="/coverage" { "覆盖情况" }
                    a href="/metrics" { "指标排名" }
                    a href="/consolidate" { "汇总" }
                    a href="/exports" { "导出" }
                }
                @if user.role != Role::Viewer { a href="/upload" { "上传" } }
                @if user.role != Role::Viewer { a href="/ledger" { "台账" } }
                a href="/rules" { "规则" }
                @if user.role == Role::Admin {
                    a href="/admin/users" { "用户" }
                    a href="/admin/agencies" { "机关定位" }
                    a href="/admin/audit" { "审计日志" }
                }
                span.who {
                    a href="/account" { (user.name) } "（" (user.role.label()) "）"
                    form.inline method="post" action="/logout" {
                        input type="hidden" name="_csrf" value=(csrf);
                        button type="submit" { "退出" }
                    }
                }
            }
            main { (body) }
        },
    )
}

/// A page without a user (the login page, errors before login).
pub fn shell(title: &str, body: Markup) -> Markup {
    shell_with(title, &Assets::default(), None, body)
}

/// The document around a page: `csrf` goes into `<meta name="csrf-token">` for the
/// scripts' requests.
pub fn shell_with(title: &str, assets: &Assets<'_>, csrf: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · gongkai" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
                @for css in assets.css { link rel="stylesheet" href=(css); }
                @for js in assets.js { script src=(js) defer {} }
                @if let Some(csrf) = csrf { meta name="csrf-token" content=(csrf); }
            }
            body { (body) }
        }
    }
}

/// The login form.
pub fn login(message: Option<&str>) -> Markup {
    shell(
        "登录",
        html! {
            main {
                h1 { "政府信息公开工作年度报告 审核工作台" }
                @if let Some(m) = message { p.flash.error { (m) } }
                form method="post" action="/login" {
                    p { label { "用户名 " input type="text" name="name" autocomplete="username" required; } }
                    p { label { "密码 " input type="password" name="password" autocomplete="current-password" required; } }
                    p { button type="submit" { "登录" } }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::Scope;

    #[test]
    fn navigation_follows_the_role_and_names_are_escaped() {
        let staff = Principal {
            user_id: 2,
            name: "<i>机关</i>".into(),
            role: Role::AgencyStaff,
            scope: Scope::Agency(3),
        };
        let html = page("报告", &staff, "tok", html! { p { "x" } }).into_string();
        assert!(html.contains("&lt;i&gt;机关&lt;/i&gt;</a>（机关人员）"));
        assert!(!html.contains("/admin/users"));
        assert!(!html.contains("/coverage"));
        assert!(html.contains(r#"<input type="hidden" name="_csrf" value="tok">"#));
        let admin = Principal {
            role: Role::Admin,
            scope: Scope::Everywhere,
            ..staff
        };
        let html = page("报告", &admin, "tok", html! {}).into_string();
        assert!(html.contains("/admin/audit"));
    }
}
