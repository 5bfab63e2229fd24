//! `gongkai serve` and `gongkai user`: the web workspace and its accounts.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use gongkai_model::access::{Role, Scope};
use gongkai_server::auth::{password, token};
use gongkai_server::ServeOptions;
use gongkai_store::Actor;

use crate::corpus::DbArgs;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Admin,
    Reviewer,
    AgencyStaff,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::AgencyStaff => Role::AgencyStaff,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// 新建用户；密码从标准输入读一行，或自动生成并显示一次 (add a user)
    Add {
        #[command(flatten)]
        db: DbArgs,
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// 负责的地区（地名或区划代码，可多个，逗号分隔）；不给则为全部 (regions in scope)
        #[arg(long, value_delimiter = ',')]
        region: Vec<String>,
        /// 机关人员所属机关的编号（见 `gongkai agencies`） (the agency of agency staff)
        #[arg(long)]
        agency: Option<i64>,
        /// 从标准输入读取密码 (read the password from standard input)
        #[arg(long)]
        password_stdin: bool,
    },
    /// 重设密码（结束其全部会话） (reset a password)
    Password {
        #[command(flatten)]
        db: DbArgs,
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// 列出用户 (list users)
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn serve(
    db: &DbArgs,
    listen: SocketAddr,
    data_dir: Option<PathBuf>,
    secure_cookies: bool,
    calendar: Option<&std::path::Path>,
) -> ExitCode {
    // The ledgers' working days: the official calendar and the local closures given.
    let calendar = match crate::ledger::calendar_with(calendar) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
    };
    let data_dir = data_dir.unwrap_or_else(|| default_data_dir(&db.database));
    let opts = ServeOptions {
        database: db.database.clone(),
        listen,
        data_dir,
        connections: 8,
        secure_cookies,
    };
    let (mut state, first_password) = match gongkai_server::prepare(&opts) {
        Ok(ready) => ready,
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
    };
    state.calendar = std::sync::Arc::new(calendar);
    let started = |addr: SocketAddr| {
        println!("审核工作台：http://{addr}/");
        println!("数据库：{}", opts.database);
        if let Some(p) = &first_password {
            println!("已创建管理员 admin，初始密码（只显示这一次，请登录后修改）：{p}");
        }
        println!("按 Ctrl-C 停止。");
    };
    match gongkai_server::serve(state, listen, started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

/// Uploaded files go beside an SQLite database (`corpus.db` → `corpus.db.files/`),
/// or into `gongkai-files/` for PostgreSQL.
fn default_data_dir(database: &str) -> PathBuf {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        PathBuf::from("gongkai-files")
    } else {
        PathBuf::from(format!(
            "{}.files",
            database.strip_prefix("sqlite:").unwrap_or(database)
        ))
    }
}

fn read_password(stdin: bool) -> Result<(String, bool), String> {
    if stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("无法读取标准输入：{e}"))?;
        Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
    } else {
        token::new_password()
            .map(|p| (p, true))
            .map_err(|e| e.to_string())
    }
}

pub fn user(command: UserCommand) -> ExitCode {
    let db = match &command {
        UserCommand::Add { db, .. }
        | UserCommand::Password { db, .. }
        | UserCommand::List { db } => db,
    };
    let mut store = match db.open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let fail = |e: String| {
        eprintln!("错误：{e}");
        ExitCode::from(2)
    };
    let actor = Actor {
        user_id: None,
        name: "命令行".into(),
    };
    match command {
        UserCommand::Add {
            db: _,
            name,
            role,
            region,
            agency,
            password_stdin,
        } => {
            let role = Role::from(role);
            let scope = match (role, agency, region.is_empty()) {
                (Role::AgencyStaff, Some(id), true) => Scope::Agency(id),
                (Role::AgencyStaff, _, _) => {
                    return fail(
                        "机关人员须用 --agency 指定所属机关（且不能同时指定 --region）".into(),
                    )
                }
                (_, Some(_), _) => return fail("只有机关人员（agency-staff）属于某个机关".into()),
                (_, None, true) => Scope::Everywhere,
                (_, None, false) => {
                    let mut codes = Vec::new();
                    for r in &region {
                        match crate::region::region_code(r) {
                            Ok(code) => codes.push(code),
                            Err(code) => return code,
                        }
                    }
                    Scope::Regions(codes)
                }
            };
            let (pw, generated) = match read_password(password_stdin) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            if let Err(e) = password::acceptable(&name, &pw) {
                return fail(e.to_string());
            }
            let hash = match password::hash(&pw) {
                Ok(h) => h,
                Err(e) => return fail(e.to_string()),
            };
            match store.create_user(&name, &hash, role, &scope, &actor) {
                Ok(u) => {
                    println!("已创建用户 {}（编号 {}，{}）", u.name, u.id, role.label());
                    if generated {
                        println!("初始密码（只显示这一次）：{pw}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e.to_string()),
            }
        }
        UserCommand::Password {
            db: _,
            name,
            password_stdin,
        } => {
            let user = match store.user_by_name(&name) {
                Ok(Some(u)) => u,
                Ok(None) => return fail(format!("没有用户“{name}”")),
                Err(e) => return fail(e.to_string()),
            };
            let (pw, generated) = match read_password(password_stdin) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            if let Err(e) = password::acceptable(&name, &pw) {
                return fail(e.to_string());
            }
            let hash = match password::hash(&pw) {
                Ok(h) => h,
                Err(e) => return fail(e.to_string()),
            };
            match store.set_password(user.id, &hash, &actor) {
                Ok(()) => {
                    println!("已重设 {name} 的密码");
                    if generated {
                        println!("新密码（只显示这一次）：{pw}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e.to_string()),
            }
        }
        UserCommand::List { db: _ } => match store.users() {
            Ok(users) => {
                for u in users {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        u.id,
                        u.name,
                        u.role.label(),
                        u.scope.to_stored(),
                        if u.active { "启用" } else { "停用" }
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e.to_string()),
        },
    }
}
