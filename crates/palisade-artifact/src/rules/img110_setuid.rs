//! IMG110 — setuid/setgid files beyond the distribution's defaults.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// Regular files in the final filesystem with the setuid or setgid bit that are not
    /// among the binaries distributions ship that way (`passwd`, `su`, `mount`, `chage`...).
    /// Paths in `[images] setuid_allowed` are accepted too.
    /// ## Why it matters
    /// A setuid-root binary runs with root's rights whoever starts it; an unexpected one is
    /// a privilege-escalation path inside the container (or a sign of tampering).
    /// ## Fix
    /// Remove the bit (`chmod u-s,g-s FILE`) or the file; run containers with
    /// `allowPrivilegeEscalation: false` (`no_new_privs`) so setuid bits have no effect.
    /// ## References
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    pub static RULE = {
        id: "IMG110", practice: Img, severity: Info, title: "Unexpected setuid or setgid file",
    };
}

/// Files Debian, Ubuntu, Alpine and RHEL-family images ship with setuid/setgid bits.
const DISTRO_DEFAULTS: &[&str] = &[
    "bin/su",
    "bin/mount",
    "bin/umount",
    "bin/ping",
    "bin/ping6",
    "bin/fusermount",
    "usr/bin/su",
    "usr/bin/mount",
    "usr/bin/umount",
    "usr/bin/passwd",
    "usr/bin/chsh",
    "usr/bin/chfn",
    "usr/bin/gpasswd",
    "usr/bin/newgrp",
    "usr/bin/chage",
    "usr/bin/expiry",
    "usr/bin/wall",
    "usr/bin/write",
    "usr/bin/bsd-write",
    "usr/bin/sudo",
    "usr/bin/crontab",
    "usr/bin/ssh-agent",
    "usr/bin/at",
    "usr/bin/newuidmap",
    "usr/bin/newgidmap",
    "usr/bin/fusermount",
    "usr/bin/fusermount3",
    "usr/bin/pkexec",
    "usr/bin/ping",
    "usr/bin/dotlockfile",
    "usr/bin/mail-lock",
    "usr/bin/mail-unlock",
    "usr/bin/mail-touchlock",
    "usr/bin/staprun",
    "usr/bin/locate",
    "usr/bin/mlocate",
    "usr/bin/plocate",
    "usr/sbin/unix_chkpwd",
    "usr/sbin/pam_extrausers_chkpwd",
    "usr/sbin/pam_timestamp_check",
    "usr/sbin/userhelper",
    "usr/sbin/mount.nfs",
    "usr/sbin/grub2-set-bootflag",
    "sbin/unix_chkpwd",
    "sbin/pam_extrausers_chkpwd",
    "usr/lib/dbus-1.0/dbus-daemon-launch-helper",
    "usr/libexec/dbus-1/dbus-daemon-launch-helper",
    "usr/lib/openssh/ssh-keysign",
    "usr/libexec/openssh/ssh-keysign",
    "usr/lib/polkit-1/polkit-agent-helper-1",
    "usr/libexec/polkit-agent-helper-1",
    "usr/libexec/utempter/utempter",
    "usr/lib/x86_64-linux-gnu/utempter/utempter",
    "bin/bbsuid",
];

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    cx.fs
        .iter()
        .filter(|(_, n)| n.is_setuid_or_setgid())
        .filter(|(p, _)| !DISTRO_DEFAULTS.contains(p))
        .filter(|(p, _)| {
            !cx.settings
                .setuid_allowed
                .iter()
                .any(|a| a.trim_start_matches('/') == *p)
        })
        .map(|(path, node)| {
            let bits = match (node.mode & 0o4000 != 0, node.mode & 0o2000 != 0) {
                (true, true) => "setuid and setgid",
                (true, false) => "setuid",
                _ => "setgid",
            };
            cx.layer_finding(
                &RULE,
                format!("/{path} is {bits} (mode {:o})", node.mode & 0o7777),
                &format!("/{path}"),
                node.layer,
            )
        })
        .collect()
}
