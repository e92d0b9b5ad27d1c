//! What a shell command does with a package manager: which manager, which action.

use crate::shell::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Manager {
    AptGet,
    Apt,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
    Pacman,
    Pip,
}

impl Manager {
    pub fn name(self) -> &'static str {
        match self {
            Manager::AptGet => "apt-get",
            Manager::Apt => "apt",
            Manager::Apk => "apk",
            Manager::Yum => "yum",
            Manager::Dnf => "dnf",
            Manager::Microdnf => "microdnf",
            Manager::Zypper => "zypper",
            Manager::Pacman => "pacman",
            Manager::Pip => "pip",
        }
    }

    /// apt and apt-get share one cache and one set of lists.
    pub fn family(self) -> Manager {
        match self {
            Manager::Apt => Manager::AptGet,
            other => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Install,
    /// Refresh the package index (`apt-get update`, `apk update`, `zypper refresh`).
    Update,
    /// Upgrade installed packages (`apt-get upgrade`, `dist-upgrade`, `apk upgrade`).
    Upgrade,
    /// Clean caches (`apt-get clean`, `yum clean all`...).
    Clean,
    Other,
}

/// A package-manager invocation found in a script.
#[derive(Debug, Clone)]
pub struct PackageCommand<'a> {
    pub manager: Manager,
    pub action: Action,
    pub subcommand: String,
    pub command: &'a Command,
}

impl PackageCommand<'_> {
    /// Whether an option is present in any spelling given (`--no-cache`, `-y`...).
    pub fn has_option(&self, names: &[&str]) -> bool {
        self.command.args().iter().any(|a| {
            names.iter().any(|n| {
                a == n
                    || a.strip_prefix(n).is_some_and(|rest| rest.starts_with('='))
                    || a.eq_ignore_ascii_case(n)
            })
        })
    }
}

const APT_OPTS_WITH_VALUE: &[&str] = &["-o", "-c", "-t", "--target-release", "--option"];

/// Recognises a package-manager command.
pub fn classify(command: &Command) -> Option<PackageCommand<'_>> {
    let program = command.program();
    let args = command.args();
    let (manager, sub) = match program {
        "apt-get" => (Manager::AptGet, command.subcommand(APT_OPTS_WITH_VALUE)?),
        "apt" => (Manager::Apt, command.subcommand(APT_OPTS_WITH_VALUE)?),
        "apk" => (
            Manager::Apk,
            command.subcommand(&["-X", "--repository", "-p", "--root"])?,
        ),
        "yum" => (
            Manager::Yum,
            command.subcommand(&["-c", "--enablerepo", "--disablerepo", "--setopt"])?,
        ),
        "dnf" => (
            Manager::Dnf,
            command.subcommand(&["-c", "--enablerepo", "--disablerepo", "--setopt"])?,
        ),
        "microdnf" => (
            Manager::Microdnf,
            command.subcommand(&["--enablerepo", "--disablerepo", "--setopt"])?,
        ),
        "zypper" => (Manager::Zypper, command.subcommand(&["-c", "--root"])?),
        "pacman" => {
            return pacman(command);
        }
        p if is_pip(p) => (
            Manager::Pip,
            command.subcommand(&[
                "-c",
                "--constraint",
                "-r",
                "--requirement",
                "-i",
                "--index-url",
            ])?,
        ),
        p if p.starts_with("python") => {
            // `python -m pip install ...`
            let m = args.iter().position(|a| a == "-m")?;
            if !args.get(m + 1).is_some_and(|p| is_pip(p)) {
                return None;
            }
            let sub = args[m + 2..].iter().find(|a| !a.starts_with('-'))?;
            (Manager::Pip, sub.as_str())
        }
        _ => return None,
    };
    let action = match (manager, sub) {
        (_, "install") | (Manager::Apk, "add") | (Manager::Zypper, "in") => Action::Install,
        (Manager::Yum | Manager::Dnf | Manager::Microdnf, "update" | "upgrade") => Action::Upgrade,
        (_, "update") | (Manager::Zypper, "refresh" | "ref") => Action::Update,
        (_, "upgrade" | "dist-upgrade" | "full-upgrade")
        | (Manager::Zypper, "dup" | "up" | "patch") => Action::Upgrade,
        (_, "clean") => Action::Clean,
        _ => Action::Other,
    };
    Some(PackageCommand {
        manager,
        action,
        subcommand: sub.to_string(),
        command,
    })
}

fn is_pip(program: &str) -> bool {
    program == "pip"
        || program
            .strip_prefix("pip")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn pacman(command: &Command) -> Option<PackageCommand<'_>> {
    let op = command
        .args()
        .iter()
        .find(|a| a.starts_with('-') && !a.starts_with("--"))?;
    let letters = &op[1..];
    let packages = command.args().iter().any(|a| !a.starts_with('-'));
    let action = if !letters.starts_with('S') {
        Action::Other
    } else if letters.contains('c') {
        Action::Clean
    } else if packages {
        Action::Install
    } else if letters.contains('u') {
        Action::Upgrade
    } else if letters.contains('y') {
        Action::Update
    } else {
        Action::Other
    };
    Some(PackageCommand {
        manager: Manager::Pacman,
        action,
        subcommand: op.clone(),
        command,
    })
}

/// Every package-manager command of a script, in order.
pub fn package_commands(commands: &[Command]) -> Vec<PackageCommand<'_>> {
    commands.iter().filter_map(classify).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::commands;

    fn actions(script: &str) -> Vec<(Manager, Action)> {
        let cmds = commands(script);
        package_commands(&cmds)
            .iter()
            .map(|p| (p.manager, p.action))
            .collect()
    }

    #[test]
    fn recognises_managers_and_actions() {
        assert_eq!(
            actions("apt-get update && apt-get -y install x && apk add --no-cache y"),
            vec![
                (Manager::AptGet, Action::Update),
                (Manager::AptGet, Action::Install),
                (Manager::Apk, Action::Install)
            ]
        );
        assert_eq!(
            actions("python3 -m pip install flask"),
            vec![(Manager::Pip, Action::Install)]
        );
        assert_eq!(
            actions("pacman -Syu"),
            vec![(Manager::Pacman, Action::Upgrade)]
        );
        assert_eq!(
            actions("pacman -S nginx"),
            vec![(Manager::Pacman, Action::Install)]
        );
        assert_eq!(actions("yum update"), vec![(Manager::Yum, Action::Upgrade)]);
        assert_eq!(
            actions("zypper refresh"),
            vec![(Manager::Zypper, Action::Update)]
        );
    }
}
