//! `harness session`: the interviewer's terminal UI (crossterm) and its scripted twin (`--script`, commands on stdin).
//! Both drive a [`Session`] with keys, run each grade on a worker thread so the screen stays live, re-grade when the
//! candidate's files change (terminal only), and end with the session report written under `--out`.

pub mod screen;

use crate::report::{json, session as report};
use crate::session::{Session, SessionReport, Trigger};
use crate::watch;
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::style::{Attribute, Color, Print, ResetColor, SetAttribute, SetForegroundColor};
use crossterm::terminal::{self, ClearType};
use crossterm::{cursor, execute, queue};
use harness_engine::clock::{Clock, SystemClock};
use harness_engine::error::{Error, Result};
use harness_engine::grade::{self, Grade, Options};
use harness_engine::layout::Layout;
use harness_engine::problem::Problem;
use harness_engine::spec::{self, StagedSpec};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// How the screen refreshes while nothing happens (the timer ticks).
const TICK: Duration = Duration::from_millis(250);

/// What a session needs besides the problem.
#[derive(Debug, Clone)]
pub struct Settings {
    pub candidate: PathBuf,
    /// Where the report goes.
    pub out: PathBuf,
    /// Read at the end into the report's notes.
    pub notes_file: Option<PathBuf>,
    pub options: Options,
}

/// What the worker and the watcher tell the loop.
enum Event {
    Graded(Box<std::result::Result<Grade, String>>),
    Changed,
}

/// The session, its texts and its grade worker.
struct Host<'a> {
    layout: &'a Layout,
    problem: &'a Problem,
    settings: &'a Settings,
    session: Session,
    spec: StagedSpec,
    interviewer_notes: String,
    tx: Sender<Event>,
    rx: Receiver<Event>,
}

impl<'a> Host<'a> {
    fn new(
        layout: &'a Layout,
        problem: &'a Problem,
        settings: &'a Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Host<'a>> {
        if !settings.candidate.is_dir() {
            return Err(Error::Usage(format!("failed to find the candidate folder {}", settings.candidate.display())));
        }
        let read = |path: PathBuf| std::fs::read_to_string(&path).map_err(|e| Error::io("read", path, e));
        let spec = spec::split(&read(problem.spec_path())?);
        let interviewer_notes = read(problem.interviewer_path())?;
        let session = Session::new(problem, &settings.candidate.display().to_string(), clock);
        let (tx, rx) = mpsc::channel();
        Ok(Host { layout, problem, settings, session, spec, interviewer_notes, tx, rx })
    }

    /// Asks for a grade and starts it on a worker thread if none is running.
    fn request(&mut self, trigger: Trigger) {
        if self.session.request_grade(trigger) {
            self.spawn();
        }
    }

    fn spawn(&self) {
        let (layout, problem) = (self.layout.clone(), self.problem.clone());
        let (candidate, options, tx) = (self.settings.candidate.clone(), self.settings.options, self.tx.clone());
        std::thread::spawn(move || {
            let result = grade::grade(&layout, &problem, &candidate, options).map_err(|e| e.to_string());
            let _ = tx.send(Event::Graded(Box::new(result)));
        });
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Changed => self.request(Trigger::Change),
            Event::Graded(result) => {
                if self.session.graded(result.as_ref().as_ref().map_err(Clone::clone)) {
                    self.spawn();
                }
            }
        }
    }

    fn end(&self) -> Result<SessionReport> {
        let notes = match &self.settings.notes_file {
            Some(path) => Some(std::fs::read_to_string(path).map_err(|e| Error::io("read the notes", path, e))?),
            None => None,
        };
        Ok(self.session.end(notes.as_deref()))
    }
}

/// Runs the interactive session in the terminal until `q`; returns its report (not yet written).
pub fn interactive(layout: &Layout, problem: &Problem, settings: &Settings) -> Result<SessionReport> {
    let mut host = Host::new(layout, problem, settings, Arc::new(SystemClock::new()))?;
    let tx = host.tx.clone();
    let _watch = watch::watch(&settings.candidate, move || {
        let _ = tx.send(Event::Changed);
    })?;
    let _terminal = Terminal::enter()?;
    let mut state = Keys::default();
    loop {
        draw(&host, &state)?;
        if event::poll(TICK).map_err(|e| terminal_error("read a key", &e))? {
            let key = event::read().map_err(|e| terminal_error("read a key", &e))?;
            if let TermEvent::Key(key) = key
                && key.kind != KeyEventKind::Release
                && state.key(&mut host, key)
            {
                break;
            }
        }
        while let Ok(event) = host.rx.try_recv() {
            host.handle(event);
            if state.ending && host.session.grading().is_none() {
                return host.end();
            }
        }
    }
    host.end()
}

/// The key-driven state of the screen (scroll, note prompt, the last message).
#[derive(Debug, Default)]
struct Keys {
    scroll: usize,
    typing: Option<String>,
    message: Option<String>,
    /// `q` was pressed while a grade ran: end when it finishes.
    ending: bool,
}

impl Keys {
    /// Handles one key; true when the session should end now.
    fn key(&mut self, host: &mut Host, key: KeyEvent) -> bool {
        let (width, height) = size();
        if let Some(text) = &mut self.typing {
            match key.code {
                KeyCode::Enter => {
                    host.session.add_note(text);
                    self.typing = None;
                    self.message = Some("note kept".to_owned());
                }
                KeyCode::Esc => self.typing = None,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            return false;
        }
        let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        match key.code {
            _ if ctrl_c => return true,
            KeyCode::Char('q') | KeyCode::Esc => {
                if host.session.grading().is_none() || self.ending {
                    return true;
                }
                self.ending = true;
                self.message = Some("ending after the running grade (q again to end now)".to_owned());
            }
            KeyCode::Char('n') => {
                if host.session.reveal_next() {
                    self.scroll = screen::stage_start(&host.spec, host.session.revealed(), width);
                    self.message = Some(format!("revealed stage {}", host.session.stage().id));
                } else {
                    self.message = Some("every stage is shown".to_owned());
                }
            }
            KeyCode::Char('g') => {
                host.request(Trigger::Key);
                self.message = Some("grade requested".to_owned());
            }
            KeyCode::Char('i') => {
                host.session.toggle_notes();
                self.scroll = 0;
            }
            KeyCode::Char('t') => self.typing = Some(String::new()),
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(height / 2),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll += height / 2,
            KeyCode::Home => self.scroll = 0,
            _ => {}
        }
        false
    }
}

fn size() -> (usize, usize) {
    terminal::size().map_or((100, 30), |(w, h)| (usize::from(w), usize::from(h)))
}

fn draw(host: &Host, keys: &Keys) -> Result<()> {
    let (width, height) = size();
    let view = screen::View {
        session: &host.session,
        spec: &host.spec,
        interviewer_notes: &host.interviewer_notes,
        scroll: keys.scroll,
        typing: keys.typing.as_deref(),
        message: keys.message.as_deref(),
        width,
        height,
    };
    let lines = screen::render(&view);
    let mut out = std::io::stdout().lock();
    let fail = |e: std::io::Error| terminal_error("draw the screen", &e);
    for (row, line) in lines.iter().enumerate() {
        queue!(out, cursor::MoveTo(0, row as u16)).map_err(fail)?;
        match line.tone {
            screen::Tone::Plain => {}
            screen::Tone::Bold => queue!(out, SetAttribute(Attribute::Bold)).map_err(fail)?,
            screen::Tone::Dim => queue!(out, SetAttribute(Attribute::Dim)).map_err(fail)?,
            screen::Tone::Good => queue!(out, SetForegroundColor(Color::Green)).map_err(fail)?,
            screen::Tone::Warning => {
                queue!(out, SetForegroundColor(Color::Yellow), SetAttribute(Attribute::Bold)).map_err(fail)?;
            }
            screen::Tone::Alert => {
                queue!(out, SetForegroundColor(Color::Red), SetAttribute(Attribute::Bold)).map_err(fail)?;
            }
        }
        queue!(
            out,
            Print(&line.text),
            SetAttribute(Attribute::Reset),
            ResetColor,
            terminal::Clear(ClearType::UntilNewLine)
        )
        .map_err(fail)?;
    }
    queue!(out, cursor::MoveTo(0, lines.len() as u16), terminal::Clear(ClearType::FromCursorDown)).map_err(fail)?;
    out.flush().map_err(fail)
}

fn terminal_error(action: &str, error: &dyn std::fmt::Display) -> Error {
    Error::Harness(format!("failed to {action} on the terminal: {error}"))
}

/// Raw mode and the alternate screen while alive; restored on drop (also after an error or a panic).
#[derive(Debug)]
struct Terminal;

impl Terminal {
    fn enter() -> Result<Terminal> {
        terminal::enable_raw_mode().map_err(|e| terminal_error("enter raw mode", &e))?;
        execute!(std::io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)
            .map_err(|e| terminal_error("open the screen", &e))?;
        Ok(Terminal)
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), cursor::Show, terminal::LeaveAlternateScreen);
        let _ = terminal::disable_raw_mode();
    }
}

/// Runs a session from commands, one a line: `g` (grade and wait for it), `n` (next stage), `i` (toggle the notes),
/// `note TEXT`, `q` (end; so does the end of input). Each command's outcome is a line on `out`.
pub fn scripted(
    layout: &Layout,
    problem: &Problem,
    settings: &Settings,
    input: impl BufRead,
    out: &mut impl Write,
) -> Result<SessionReport> {
    let mut host = Host::new(layout, problem, settings, Arc::new(SystemClock::new()))?;
    let mut say = |text: String| {
        let _ = writeln!(out, "{text}");
    };
    for line in input.lines() {
        let line = line.map_err(|e| Error::io("read", "stdin", e))?;
        let (command, rest) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
        match command {
            "" => {}
            "g" | "grade" => {
                host.request(Trigger::Key);
                while host.session.grading().is_some() {
                    let Ok(event) = host.rx.recv() else { break };
                    host.handle(event);
                }
                match (host.session.error(), host.session.timeline().last()) {
                    (Some(error), _) => say(format!("error: {error}")),
                    (None, Some(point)) => say(screen::summary(point)),
                    (None, None) => {}
                }
            }
            "n" | "next" => {
                let moved = host.session.reveal_next();
                let stage = host.session.stage();
                let what = if moved { "revealed" } else { "every stage is shown; still" };
                say(format!(
                    "{what} stage {}/{}: {} · {}",
                    host.session.revealed(),
                    host.session.stages().len(),
                    stage.id,
                    stage.title
                ));
                if moved && let Some(follow_up) = host.spec.follow_ups.get(host.session.revealed() - 2) {
                    say(follow_up.text.trim_end().to_owned());
                }
            }
            "i" | "notes" => {
                host.session.toggle_notes();
                if host.session.show_notes() {
                    say(host.interviewer_notes.trim_end().to_owned());
                }
            }
            "note" => {
                host.session.add_note(rest);
                say("note kept".to_owned());
            }
            "q" | "end" => break,
            other => say(format!("unknown command `{other}` (g, n, i, note TEXT, q)")),
        }
    }
    host.end()
}

/// Writes the report as `session.md`, `session.json` and the chart under `out`; returns the files written.
pub fn write_report(report: &SessionReport, out: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).map_err(|e| Error::io("create the folder", out, e))?;
    let files = [
        (out.join("session.md"), report::markdown(report, Some(report::CHART_FILE))),
        (out.join("session.json"), json::render(report)),
        (out.join(report::CHART_FILE), report::svg(report)),
    ];
    let mut written = Vec::new();
    for (path, text) in files {
        std::fs::write(&path, text).map_err(|e| Error::io("write the session report", &path, e))?;
        written.push(path);
    }
    Ok(written)
}
