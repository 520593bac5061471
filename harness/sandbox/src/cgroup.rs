//! The one owner of cgroupfs: whether this process may create child cgroups with the memory and pids controllers
//! (cgroup v1 as root, or a delegated cgroup v2 subtree), and one fresh group per confined run that caps the memory
//! and the number of processes of everything the run starts, together, and lets the harness kill all of it at the end
//! (a `setsid` daemon included, with or without a PID namespace). Where cgroups cannot be written (not root, no
//! delegation), there is no group and the layer is absent: never an error.

use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Rounds of "list the group, SIGKILL every process in it" before [`Cgroup::kill_all`] gives up (a fork bomb racing
/// the kill loses a process per round at least; `pids.max` bounds how many it can have).
const KILL_ROUNDS: u32 = 50;
/// Most processes the sandbox's own user may run at once (a fork bomb stops here), and a confined run's cgroup.
pub const PROCESSES_CAP: u64 = 512;
/// Pause between kill rounds: a killed task takes a moment to leave the group.
const KILL_PAUSE: Duration = Duration::from_millis(5);
/// How long dropping a group may wait for its last tasks to leave before the directory is left behind.
const REMOVE_WITHIN: Duration = Duration::from_millis(800);

/// Where this process's own cgroup is, per controller, and how to write a child group.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hierarchy {
    /// cgroup v1: one mount per controller.
    V1 { memory: Own, pids: Own },
    /// cgroup v2: one unified tree whose own group delegates `memory` and `pids` to its children.
    V2(Own),
}

/// This process's own group in one hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Own {
    /// Its directory under the cgroupfs mount.
    dir: PathBuf,
    /// Its path as `/proc/<pid>/cgroup` names it (relative to the hierarchy's root).
    path: String,
}

impl Hierarchy {
    /// The own groups child groups are created under: memory's first.
    fn owns(&self) -> Vec<(&Own, Option<&'static str>)> {
        match self {
            Hierarchy::V1 { memory, pids } => vec![(memory, Some("memory")), (pids, Some("pids"))],
            Hierarchy::V2(own) => vec![(own, None)],
        }
    }
}

/// What detection found, once per process: `None` when no child group with both controllers can be created here.
fn hierarchy() -> Option<&'static Hierarchy> {
    static DETECTED: OnceLock<Option<Hierarchy>> = OnceLock::new();
    DETECTED.get_or_init(detect).as_ref()
}

/// Which cgroup version child groups are created in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// The cgroup version of each run's group (with the memory and pids controllers), when child groups can be created
/// here; `None` means no cgroup layer.
pub fn available() -> Option<Version> {
    hierarchy().map(|hierarchy| match hierarchy {
        Hierarchy::V1 { .. } => Version::V1,
        Hierarchy::V2(_) => Version::V2,
    })
}

/// The cgroup layer, when there is one: and whether every run so far had its group.
pub fn layer() -> Option<crate::Layer> {
    Some(crate::Layer::Cgroup { version: available()?, processes: PROCESSES_CAP, every_run: misses() == 0 })
}

/// Confined runs since this process started that ran outside their own cgroup although cgroups are available
/// (creating the group or moving the child into it failed): a report must not claim the layer held for every run.
static MISSES: AtomicU64 = AtomicU64::new(0);

/// How many confined runs ran without their cgroup although [`available`] says cgroups work here.
pub fn misses() -> u64 {
    MISSES.load(Ordering::Relaxed)
}

/// Counts a run that ended up outside its cgroup.
pub fn count_miss() {
    MISSES.fetch_add(1, Ordering::Relaxed);
}

/// Groups this process has created, for naming each one.
static CREATED: AtomicU64 = AtomicU64::new(0);

/// One fresh child group (per controller on cgroup v1) with a memory cap and a process cap; its processes are all
/// killed and its directories removed when it is dropped.
#[derive(Debug)]
pub struct Cgroup {
    /// Each directory created, with its path as `/proc/<pid>/cgroup` names it: memory's first.
    dirs: Vec<(PathBuf, String)>,
    /// `cgroup.procs` of each directory, open for writing: a child writes "0" to each to move itself in.
    procs: Vec<OwnedFd>,
    v2: bool,
}

/// The descriptors a child writes "0" to, between fork and exec, to move itself into its group (`Copy`, no
/// allocation, so a `pre_exec` closure can hold it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Movers {
    fds: [RawFd; 2],
    len: usize,
}

impl Movers {
    /// Moves the calling process into the group. Async-signal-safe (only `write`), for a `pre_exec` closure.
    /// Returns whether every move succeeded.
    pub fn move_self(&self) -> bool {
        let mut all = true;
        for &fd in &self.fds[..self.len] {
            // SAFETY: plain write of a one-byte buffer to a descriptor the parent opened before fork.
            all &= unsafe { libc::write(fd, b"0".as_ptr().cast(), 1) } == 1;
        }
        all
    }
}

impl Cgroup {
    /// A fresh group capping its processes at `memory` bytes together (swap included, where that can be set) and
    /// `processes` processes. `None` when cgroups are unavailable here, or creating this one failed (counted in
    /// [`misses`]): the run goes ahead without it.
    pub fn create(memory: u64, processes: u64) -> Option<Cgroup> {
        let hierarchy = hierarchy()?;
        let created = Cgroup::create_in(hierarchy, memory, processes);
        if created.is_err() {
            count_miss();
        }
        created.ok()
    }

    fn create_in(hierarchy: &Hierarchy, memory: u64, processes: u64) -> std::io::Result<Cgroup> {
        let name = format!("harness-{}-{}", std::process::id(), CREATED.fetch_add(1, Ordering::Relaxed));
        let mut group = Cgroup { dirs: Vec::new(), procs: Vec::new(), v2: matches!(hierarchy, Hierarchy::V2(_)) };
        for (own, _) in hierarchy.owns() {
            let dir = own.dir.join(&name);
            std::fs::create_dir(&dir)?;
            let path = format!("{}/{name}", own.path.trim_end_matches('/'));
            group.dirs.push((dir, path));
        }
        let (memory_dir, pids_dir) = match hierarchy {
            Hierarchy::V1 { .. } => (&group.dirs[0].0, &group.dirs[1].0),
            Hierarchy::V2(_) => (&group.dirs[0].0, &group.dirs[0].0),
        };
        let memory = memory.to_string();
        if group.v2 {
            write(memory_dir, "memory.max", &memory)?;
            write_if_present(memory_dir, "memory.swap.max", "0")?;
            // One OOM kill takes the whole group, so a run never limps on with part of its processes gone.
            let _ = write_if_present(memory_dir, "memory.oom.group", "1");
        } else {
            write(memory_dir, "memory.limit_in_bytes", &memory)?;
            // Memory plus swap gets the same cap, so swapping cannot get around it.
            write_if_present(memory_dir, "memory.memsw.limit_in_bytes", &memory)?;
        }
        write(pids_dir, "pids.max", &processes.to_string())?;
        for (dir, _) in &group.dirs {
            let file = File::options().write(true).open(dir.join("cgroup.procs"))?;
            group.procs.push(crate::os::above_child_fds(OwnedFd::from(file))?);
        }
        Ok(group)
    }

    /// The descriptors a child moves itself in with (see [`Movers::move_self`]).
    pub fn movers(&self) -> Movers {
        let mut movers = Movers::default();
        for (slot, fd) in movers.fds.iter_mut().zip(&self.procs) {
            *slot = fd.as_raw_fd();
            movers.len += 1;
        }
        movers
    }

    /// SIGKILLs every process in the group, round after round until it is empty (or [`KILL_ROUNDS`] have passed);
    /// returns whether it was seen empty.
    pub fn kill_all(&self) -> bool {
        if self.v2 && write_if_present(&self.dirs[0].0, "cgroup.kill", "1").unwrap_or(false) {
            // The kernel kills the whole group at once, forks in flight included; wait for it to empty.
            for _ in 0..KILL_ROUNDS {
                if self.members().is_empty() {
                    return true;
                }
                std::thread::sleep(KILL_PAUSE);
            }
            return false;
        }
        for _ in 0..KILL_ROUNDS {
            let members = self.members();
            if members.is_empty() {
                return true;
            }
            for (pid, path) in members {
                kill_member(pid, path);
            }
            std::thread::sleep(KILL_PAUSE);
        }
        self.members().is_empty()
    }

    /// Whether the kernel's OOM killer killed a process of the group (its memory cap was reached).
    pub fn oom_killed(&self) -> bool {
        let file = if self.v2 { "memory.events" } else { "memory.oom_control" };
        std::fs::read_to_string(self.dirs[0].0.join(file)).is_ok_and(|text| oom_kills(&text) > 0)
    }

    /// The processes in the group, each with the group path `/proc/<pid>/cgroup` must show for it.
    fn members(&self) -> Vec<(libc::pid_t, &str)> {
        let mut members: Vec<(libc::pid_t, &str)> = Vec::new();
        for (dir, path) in &self.dirs {
            let Ok(text) = std::fs::read_to_string(dir.join("cgroup.procs")) else { continue };
            for pid in text.lines().filter_map(|l| l.trim().parse().ok()) {
                if !members.iter().any(|(p, _)| *p == pid) {
                    members.push((pid, path));
                }
            }
        }
        members
    }
}

impl Drop for Cgroup {
    /// Kills what is left and removes the directories, retrying while the last tasks leave; never panics, and gives
    /// up (leaving an empty directory behind) after about a second.
    fn drop(&mut self) {
        let deadline = Instant::now() + REMOVE_WITHIN;
        self.kill_all();
        let mut left: Vec<PathBuf> = self.dirs.iter().map(|(dir, _)| dir.clone()).collect();
        self.procs.clear();
        loop {
            left.retain(|dir| match std::fs::remove_dir(dir) {
                Ok(()) => false,
                // Busy: a killed task has not left yet. Gone, or any other error: nothing more to do.
                Err(e) => e.raw_os_error() == Some(libc::EBUSY),
            });
            if left.is_empty() || Instant::now() >= deadline {
                return;
            }
            for (pid, path) in self.members() {
                kill_member(pid, path);
            }
            std::thread::sleep(KILL_PAUSE * 2);
        }
    }
}

/// SIGKILLs `pid` if it is still in the group at `path`. Through a pidfd: a pid read from `cgroup.procs` may have
/// exited and been reused by an unrelated process by now, and a pidfd opened before the check pins the process checked.
fn kill_member(pid: libc::pid_t, path: &str) {
    // SAFETY: plain system call; a returned descriptor is owned here and closed below.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as RawFd;
    let in_group = || {
        std::fs::read_to_string(format!("/proc/{pid}/cgroup"))
            .is_ok_and(|text| parse_memberships(&text).iter().any(|m| m.path == path))
    };
    if pidfd < 0 {
        // No pidfd (a kernel older than 5.3): the check and the kill are two steps, as close together as possible.
        if std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS) && in_group() {
            // SAFETY: plain system call.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        return;
    }
    if in_group() {
        // SAFETY: plain system call on the descriptor just opened; a null siginfo is allowed.
        unsafe { libc::syscall(libc::SYS_pidfd_send_signal, pidfd, libc::SIGKILL, std::ptr::null::<u8>(), 0) };
    }
    // SAFETY: the descriptor is ours and closed once.
    unsafe { libc::close(pidfd) };
}

fn write(dir: &Path, file: &str, value: &str) -> std::io::Result<()> {
    File::options().write(true).open(dir.join(file))?.write_all(value.as_bytes())
}

/// Writes `value` to `file` if the kernel offers it; whether it did.
fn write_if_present(dir: &Path, file: &str, value: &str) -> std::io::Result<bool> {
    match write(dir, file, value) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The `oom_kill` counter of v1's `memory.oom_control` or v2's `memory.events`.
fn oom_kills(text: &str) -> u64 {
    text.lines()
        .filter_map(|line| line.strip_prefix("oom_kill "))
        .find_map(|count| count.trim().parse().ok())
        .unwrap_or(0)
}

fn detect() -> Option<Hierarchy> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let hierarchy = locate(&cgroups, &mountinfo)?;
    remove_stale(&hierarchy);
    // A group that cannot be created, capped and removed here means no cgroup layer at all.
    drop(Cgroup::create_in(&hierarchy, 64 << 20, 16).ok()?);
    Some(hierarchy)
}

/// This process's own groups from `/proc/self/cgroup` and `/proc/self/mountinfo`: v1 when both memory and pids are
/// mounted as v1 hierarchies, else v2 when its own group delegates both to its children.
fn locate(cgroups: &str, mountinfo: &str) -> Option<Hierarchy> {
    let memberships = parse_memberships(cgroups);
    let mounts = parse_mounts(mountinfo);
    let v1 = |controller: &str| {
        let path = memberships.iter().find(|m| m.controllers.contains(&controller))?.path;
        let mount = mounts.iter().find(|m| m.fstype == "cgroup" && m.options.iter().any(|o| o == controller))?;
        Some(Own { dir: mount.dir_of(path)?, path: path.to_owned() })
    };
    if let (Some(memory), Some(pids)) = (v1("memory"), v1("pids")) {
        return Some(Hierarchy::V1 { memory, pids });
    }
    let path = memberships.iter().find(|m| m.id == "0" && m.controllers.is_empty())?.path;
    let mount = mounts.iter().find(|m| m.fstype == "cgroup2")?;
    let own = Own { dir: mount.dir_of(path)?, path: path.to_owned() };
    let delegated = std::fs::read_to_string(own.dir.join("cgroup.subtree_control")).ok()?;
    let words: Vec<&str> = delegated.split_whitespace().collect();
    (words.contains(&"memory") && words.contains(&"pids")).then_some(Hierarchy::V2(own))
}

/// Removes groups a harness that is gone left behind (`harness-<pid>-<n>` of a pid that no longer runs; `rmdir` only
/// ever removes an empty group).
fn remove_stale(hierarchy: &Hierarchy) {
    for (own, _) in hierarchy.owns() {
        let Ok(entries) = std::fs::read_dir(&own.dir) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .and_then(|n| n.strip_prefix("harness-"))
                .and_then(|n| n.split('-').next())
                .and_then(|pid| pid.parse::<u32>().ok())
            else {
                continue;
            };
            if pid != std::process::id() && !crate::os::alive(pid) {
                let _ = std::fs::remove_dir(entry.path());
            }
        }
    }
}

/// One line of `/proc/<pid>/cgroup`: `hierarchy-id:controllers:path`.
#[derive(Debug, PartialEq, Eq)]
struct Membership<'a> {
    id: &'a str,
    controllers: Vec<&'a str>,
    path: &'a str,
}

fn parse_memberships(text: &str) -> Vec<Membership<'_>> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (id, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            let controllers = controllers.split(',').filter(|c| !c.is_empty()).collect();
            Some(Membership { id, controllers, path })
        })
        .collect()
}

/// A cgroupfs mount from `/proc/self/mountinfo`.
#[derive(Debug, PartialEq, Eq)]
struct Mount {
    /// The group of the hierarchy mounted there (`/` unless a subtree is mounted).
    root: String,
    point: PathBuf,
    /// `cgroup` (v1) or `cgroup2`.
    fstype: String,
    /// The super-block options: a v1 mount's controllers are among them.
    options: Vec<String>,
}

impl Mount {
    /// The directory of the group at `path` (as `/proc/<pid>/cgroup` names it), if this mount shows it.
    fn dir_of(&self, path: &str) -> Option<PathBuf> {
        let path = Path::new(path);
        // Outside our cgroup namespace's root, a path starts with `/..`: not a group we can reach.
        if path.components().any(|c| c == Component::ParentDir) {
            return None;
        }
        let relative = path.strip_prefix(&self.root).ok()?;
        Some(self.point.join(relative))
    }
}

/// The cgroup and cgroup2 mounts of a `/proc/<pid>/mountinfo`:
/// `id parent major:minor root point options [optional…] - fstype source super-options`.
fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let (before, after) = line.split_once(" - ")?;
            let fields: Vec<&str> = before.split(' ').collect();
            let mut after = after.split(' ');
            let fstype = after.next()?;
            if fstype != "cgroup" && fstype != "cgroup2" {
                return None;
            }
            let options = after.nth(1).unwrap_or("").split(',').map(str::to_owned).collect();
            Some(Mount {
                root: unescape(fields.get(3)?),
                point: PathBuf::from(unescape(fields.get(4)?)),
                fstype: fstype.to_owned(),
                options,
            })
        })
        .collect()
}

/// mountinfo writes a space, tab, newline and backslash in a path as `\ooo` octal.
fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 4).and_then(|o| u8::from_str_radix(o, 8).ok());
        if let Some(byte) = code {
            out.push(char::from(byte));
            rest = &rest[at + 4..];
        } else {
            out.push('\\');
            rest = &rest[at + 1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
pub(crate) fn group_exists(name: &str) -> bool {
    hierarchy().is_some_and(|h| h.owns().iter().any(|(own, _)| own.dir.join(name).exists()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_CGROUP: &str = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/b1a7\n2:cpu,cpuacct:/\n0::/\n";
    const V1_MOUNTINFO: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";

    #[test]
    fn a_cgroup_line_splits_into_id_controllers_and_a_path_that_may_hold_colons() {
        let lines = parse_memberships("2:cpu,cpuacct:/a\n0::/user.slice/x:y.scope\n");
        assert_eq!(lines[0], Membership { id: "2", controllers: vec!["cpu", "cpuacct"], path: "/a" });
        assert_eq!(lines[1], Membership { id: "0", controllers: vec![], path: "/user.slice/x:y.scope" });
    }

    #[test]
    fn mountinfo_gives_each_cgroup_mount_its_type_root_point_and_controllers() {
        let mounts = parse_mounts(V1_MOUNTINFO);
        assert_eq!(mounts.len(), 4, "the tmpfs is not a cgroup mount: {mounts:?}");
        assert_eq!(mounts[1].point, Path::new("/sys/fs/cgroup/memory"));
        assert_eq!(mounts[1].fstype, "cgroup");
        assert!(mounts[1].options.contains(&"memory".to_owned()));
        assert!(mounts[0].options.contains(&"cpuacct".to_owned()), "optional fields are skipped: {:?}", mounts[0]);
        assert_eq!(mounts[3].fstype, "cgroup2");
    }

    #[test]
    fn v1_own_groups_are_the_controllers_mount_points_joined_with_their_paths() {
        let located = locate(V1_CGROUP, V1_MOUNTINFO);
        let expected = Hierarchy::V1 {
            memory: Own {
                dir: PathBuf::from("/sys/fs/cgroup/memory/process_api/b1a7"),
                path: "/process_api/b1a7".into(),
            },
            pids: Own { dir: PathBuf::from("/sys/fs/cgroup/pids/"), path: "/".into() },
        };
        assert_eq!(located, Some(expected));
    }

    #[test]
    fn a_mounted_subtree_is_stripped_from_the_path_and_a_path_outside_the_namespace_is_refused() {
        let mounts = parse_mounts("50 31 0:32 /lxc/c1 /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
        assert_eq!(mounts[0].dir_of("/lxc/c1/job"), Some(PathBuf::from("/sys/fs/cgroup/memory/job")));
        assert_eq!(mounts[0].dir_of("/lxc/c2"), None);
        let root = parse_mounts("50 31 0:32 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        assert_eq!(root[0].dir_of("/../outside"), None);
    }

    #[test]
    fn escaped_mount_points_are_unescaped() {
        assert_eq!(unescape(r"/mnt/my\040cgroups\134x"), r"/mnt/my cgroups\x");
        assert_eq!(unescape(r"/odd\"), r"/odd\");
    }

    #[test]
    fn without_v1_controllers_an_undelegated_v2_group_is_not_used() {
        let cgroups = "0::/definitely-not-a-group-here\n";
        let mountinfo = "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
        // Its cgroup.subtree_control cannot be read, so nothing is delegated.
        assert_eq!(locate(cgroups, mountinfo), None);
        assert_eq!(locate("0::/\n", "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"), None);
    }

    #[test]
    fn a_v2_group_that_delegates_memory_and_pids_is_used() {
        let mount = tempfile::tempdir().unwrap();
        std::fs::create_dir(mount.path().join("svc")).unwrap();
        std::fs::write(mount.path().join("svc/cgroup.subtree_control"), "cpu memory pids\n").unwrap();
        let mountinfo = format!("41 31 0:38 / {} rw - cgroup2 cgroup2 rw\n", mount.path().display());
        let located = locate("0::/svc\n", &mountinfo);
        assert_eq!(located, Some(Hierarchy::V2(Own { dir: mount.path().join("svc"), path: "/svc".into() })));
        std::fs::write(mount.path().join("svc/cgroup.subtree_control"), "memory\n").unwrap();
        assert_eq!(locate("0::/svc\n", &mountinfo), None, "pids is not delegated");
    }

    #[test]
    fn the_oom_kill_counter_is_read_from_v1_and_v2_files() {
        assert_eq!(oom_kills("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), 3);
        assert_eq!(oom_kills("low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n"), 1);
        assert_eq!(oom_kills("oom_kill_disable 0\nunder_oom 0\n"), 0);
    }

    #[test]
    fn a_report_lists_the_cgroup_layer_exactly_when_detection_found_one() {
        let layers = crate::Sandbox::none().layers().active;
        let listed = layers.iter().any(|l| matches!(l, crate::Layer::Cgroup { .. }));
        assert_eq!(listed, available().is_some(), "{layers:?}");
        let daemon_may_survive = layers.contains(&crate::Layer::WallClock(crate::Kill::Group));
        assert_eq!(daemon_may_survive, !listed, "{layers:?}");
    }

    #[test]
    fn a_group_gets_its_limit_files_written_and_is_removed_when_dropped() {
        let Some(hierarchy) = hierarchy() else {
            eprintln!("note: no writable cgroups here (not root, or not delegated); skipped");
            return;
        };
        let group = Cgroup::create_in(hierarchy, 96 << 20, 37).unwrap();
        let read = |dir: &Path, file: &str| std::fs::read_to_string(dir.join(file)).unwrap().trim().to_owned();
        let memory = &group.dirs[0].0;
        let pids = &group.dirs.last().unwrap().0;
        assert_eq!(read(pids, "pids.max"), "37");
        if group.v2 {
            assert_eq!(read(memory, "memory.max"), (96u64 << 20).to_string());
        } else {
            assert_eq!(read(memory, "memory.limit_in_bytes"), (96u64 << 20).to_string());
            if memory.join("memory.memsw.limit_in_bytes").exists() {
                assert_eq!(read(memory, "memory.memsw.limit_in_bytes"), (96u64 << 20).to_string());
            }
        }
        assert!(!group.oom_killed());
        assert_eq!(group.movers().len, group.dirs.len());
        let dirs: Vec<PathBuf> = group.dirs.iter().map(|(d, _)| d.clone()).collect();
        drop(group);
        assert!(dirs.iter().all(|d| !d.exists()), "{dirs:?}");
    }
}
