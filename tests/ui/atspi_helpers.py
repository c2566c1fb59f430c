# atspi_helpers.py: what every UI test shares: finding widgets through AT-SPI by role and
# accessible name, clicking, typing and polling the way a person does; starting and
# stopping the application; screenshots and the accessibility tree when a step fails;
# and the loop that runs a test's steps and prints TAP.
#
# The tests import it from their own directory (run-ui-test.sh runs them with
# /usr/bin/python3, which has gi.repository.Atspi).  The pages of the desk that several
# tests drive (the reception form, the slip, the records page) are in desk_pages.py.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import subprocess
import sys
import time
import traceback

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

BUILD_DIR = os.environ['BUILD_DIR']
WORK_DIR = os.environ['UI_TEST_WORK_DIR']      # private to this run (run-ui-test.sh)
LOG_DIR = os.environ.get('UI_TEST_LOG_DIR', WORK_DIR)
APP = os.path.join(BUILD_DIR, 'src', 'desk', 'onestop-desk')
DATABASE = os.path.join(WORK_DIR, 'desk.sqlite3')

TIMEOUT = 20.0          # seconds to wait for anything the UI should do

KEY_RETURN = 0xff0d
KEY_ESCAPE = 0xff1b
KEY_UP = 0xff52
KEY_DOWN = 0xff54


class Failure(Exception):
    pass


# The application under test (start_app); wait_for fails at once when it exits.
app_process = None
app_log = None


# Polling ---------------------------------------------------------------------------------

def wait_for(what, probe, timeout=TIMEOUT, interval=0.02):
    """Polls probe() until it returns something true; returns that or fails."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Failure:
            raise
        except Exception as e:  # the tree changes under our feet; try again
            last_error = e
        if app_process is not None and app_process.poll() is not None:
            raise Failure('the application exited (status %s) while waiting for %s'
                          % (app_process.returncode, what))
        if time.monotonic() > deadline:
            extra = ' (last error: %s)' % last_error if last_error else ''
            raise Failure('timed out after %.0f s waiting for %s%s' % (timeout, what, extra))
        time.sleep(interval)


# Finding ---------------------------------------------------------------------------------

def name_of(acc):
    try:
        return acc.get_name() or ''
    except Exception:
        return ''


def role_of(acc):
    try:
        return acc.get_role()
    except Exception:
        return None


def children(acc):
    try:
        n = acc.get_child_count()
    except Exception:
        return []
    result = []
    for i in range(n):
        try:
            child = acc.get_child_at_index(i)
        except Exception:
            child = None
        if child is not None:
            result.append(child)
    return result


def find_all(root, predicate):
    """Descendants of root for which predicate holds, in document order.  (GTK 4.8
    sets "showing" on windows only, so pages that are not visible are searched too.)"""
    found = []
    stack = [root]
    while stack:
        acc = stack.pop()
        if acc is not root and predicate(acc):
            found.append(acc)
        stack.extend(reversed(children(acc)))
    return found


def find(root, role=None, name=None):
    """First descendant with that role and accessible name (None: any)."""
    def predicate(acc):
        return ((role is None or role_of(acc) == role) and
                (name is None or name_of(acc) == name))
    found = find_all(root, predicate)
    return found[0] if found else None


def has_state(acc, state):
    try:
        return acc.get_state_set().contains(state)
    except Exception:
        return False


def text_of(acc):
    # GTK 4.8: get_text (0, -1) returns "", ask for the real length.
    return Atspi.Text.get_text(acc, 0, Atspi.Text.get_character_count(acc))


def labels_in(root):
    return [text_of(a) for a in find_all(root, lambda a: role_of(a) == Atspi.Role.LABEL)]


def extents(acc):
    # GTK 4 knows positions within its windows only ("Screen coordinates not
    # supported" in its log); without a window manager every window sits at 0,0,
    # so those are screen coordinates too.
    return Atspi.Component.get_extents(acc, Atspi.CoordType.SCREEN)


# Acting ----------------------------------------------------------------------------------

def set_text(acc, text):
    if not Atspi.EditableText.set_text_contents(acc, text):
        raise Failure('could not set the text of %r' % name_of(acc))


def click(acc):
    """A real pointer click in the middle of the widget (grab_focus is not implemented)."""
    ext = extents(acc)
    if ext.width <= 0 or ext.height <= 0:
        raise Failure('%r has no size on screen' % name_of(acc))
    Atspi.generate_mouse_event(ext.x + ext.width // 2, ext.y + ext.height // 2, 'b1c')


def scroll_into_view(acc, scroller):
    """Turns the mouse wheel over a scrolled window until acc is inside it."""
    view = extents(scroller)
    for _ in range(60):
        ext = extents(acc)
        if ext.height > 0 and ext.y >= view.y and ext.y + ext.height <= view.y + view.height:
            return
        button = 'b5c' if ext.y + ext.height > view.y + view.height else 'b4c'
        Atspi.generate_mouse_event(view.x + view.width // 2, view.y + view.height // 2, button)
        try:
            wait_for('the view to scroll', lambda: extents(acc).y != ext.y, timeout=2)
        except Failure:
            pass
    raise Failure('could not scroll %r into view' % name_of(acc))


def focus(acc):
    """Clicks into a widget unless it has the keyboard focus already.  AdwEntryRow
    (libadwaita 1.2) never reports "focused" (its inner GtkText is not exposed), so
    for those the caller checks that typed text arrives instead."""
    if has_state(acc, Atspi.StateType.FOCUSED):
        return
    click(acc)
    try:
        wait_for('focus on %r' % name_of(acc),
                 lambda: has_state(acc, Atspi.StateType.FOCUSED), timeout=1)
    except Failure:
        pass


def type_string(text):
    Atspi.generate_keyboard_event(0, text, Atspi.KeySynthType.STRING)


def press_key(keysym):
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)


def press_combo(modifiers, keysym):
    """Modifiers + key, e.g. press_combo(Atspi.ModifierType.CONTROL, ord('s')) or
    press_combo((Atspi.ModifierType.CONTROL, Atspi.ModifierType.SHIFT), ord('e'))."""
    if not isinstance(modifiers, (tuple, list)):
        modifiers = (modifiers,)
    mask = 0
    for modifier in modifiers:
        mask |= 1 << int(modifier)      # AtspiModifierType is a bit number
    Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.LOCKMODIFIERS)
    try:
        press_key(keysym)
    finally:
        Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.UNLOCKMODIFIERS)


def activate(acc):
    """Clicks a button through its action.  GTK 4.8 fires it ~250 ms later and drops a
    second activation in that window: callers poll for the result, never click twice."""
    if not Atspi.Action.do_action(acc, 0):
        raise Failure('could not activate %r' % name_of(acc))


def type_into(acc, text, click_first=True):
    """Types text into an editable widget, as a person or a keyboard-wedge barcode
    reader does, one burst of keys at a time, and waits until the widget shows it:
    that is also the proof that the widget had the keyboard focus.

    XTest sends only characters of the keyboard map.  For the others (Vietnamese
    letters) libatspi would borrow a spare keycode and remap it for each letter,
    which races with the application reading the keymap; so those arrive, one by
    one, through the accessible text interface at the cursor, the way an input
    method commits them."""
    if click_first:
        focus(acc)
    expected = text_of(acc)
    for run in re.findall(r'[\x20-\x7e]+|[^\x20-\x7e]', text):
        if run.isascii():
            type_string(run)
        else:
            position = Atspi.Text.get_caret_offset(acc)
            if position != len(expected):
                raise Failure('the cursor of %r is at %d, not at the end (%d)'
                              % (name_of(acc), position, len(expected)))
            Atspi.EditableText.insert_text(acc, position, run, len(run.encode('utf-8')))
            # GTK leaves the cursor before inserted text; an input method moves it.
            wait_for('the inserted %r' % run, lambda: text_of(acc) == expected + run)
            Atspi.Text.set_caret_offset(acc, position + 1)
            wait_for('the cursor after %r' % run,
                     lambda: Atspi.Text.get_caret_offset(acc) == position + 1)
        expected += run
        wait_for('%r to show the typed text %r (has it the keyboard focus?)' % (name_of(acc), expected),
                 lambda: text_of(acc) == expected, timeout=10)


# Windows ---------------------------------------------------------------------------------

def x_window_exists(title):
    """Whether the X server still has a window with exactly that title.

    GTK 4.8 answers accessibility requests about a window it is destroying with a
    NULL object path (a GLib critical, fatal here); so after closing a window the
    test waits until X has forgotten it before it asks the application anything."""
    pattern = '^' + re.sub(r'([][.*+?(){}|^$\\])', r'\\\1', title) + '$'
    result = subprocess.run(['xdotool', 'search', '--name', pattern], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return result.returncode == 0


def wait_window_gone(title):
    wait_for('the window %r to close' % title, lambda: not x_window_exists(title))


def application():
    desktop = Atspi.get_desktop(0)
    for app in children(desktop):
        if name_of(app) in ('onestop-desk', 'vn.onestop.Desk'):
            return app
    return None


def frames():
    """The application's windows.  (GTK 4.8 gives AdwWindow the role "filler".)"""
    app = application()
    return children(app) if app else []


def frame_named(name):
    for f in frames():
        if name_of(f) == name:
            return f
    return None


def main_window():
    for f in frames():
        if find(f, Atspi.Role.ENTRY, 'Tìm thủ tục') is not None:
            return f
    return None


def button_containing(root, text):
    """The first push button whose accessible name contains text.  (GTK 4.8 names a
    labelled button twice, the mnemonic form first: "_Xuất PDF… Xuất PDF…".)"""
    buttons = find_all(root, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and text in name_of(a))
    if not buttons:
        raise Failure('no button "%s" in %r' % (text, name_of(root)))
    return buttons[0]


def close_button(win):
    return find(win, Atspi.Role.PUSH_BUTTON, 'Close') or find(win, Atspi.Role.PUSH_BUTTON, 'Đóng')


def close_window(win, title, what):
    """Closes a window with its own close button and waits until X and the accessibility
    tree have both let go of it (what: "the record window", for messages)."""
    close = close_button(win)
    if close is None:
        raise Failure('%s has no close button' % what)
    activate(close)
    wait_window_gone(title)
    wait_for('%s to close' % what, lambda: frame_named(title) is None)


# The application's process ---------------------------------------------------------------

def start_app(**settings):
    """Starts the desk with the caller's environment and these variables (None: unset),
    its output in WORK_DIR/onestop-desk.log."""
    global app_process, app_log
    env = dict(os.environ)
    env.pop('GTK_USE_PORTAL', None)
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    app_log = open(os.path.join(WORK_DIR, 'onestop-desk.log'), 'w')
    app_process = subprocess.Popen([APP], stdin=subprocess.DEVNULL, stdout=app_log,
                                   stderr=subprocess.STDOUT, env=env, cwd=WORK_DIR)


def stop_app():
    global app_process
    if app_process is None:
        return
    if app_process.poll() is None:
        app_process.terminate()
        try:
            app_process.wait(10)
        except subprocess.TimeoutExpired:
            app_process.kill()
            app_process.wait()
    app_process = None


def app_log_problems():
    """Criticals and errors the application logged (warnings are GTK's noise here)."""
    if app_log is None:
        return []
    app_log.flush()
    with open(app_log.name, errors='replace') as f:
        return [line.rstrip() for line in f if '-CRITICAL **' in line or '-ERROR **' in line]


def quit_with_ctrl_q():
    """Ctrl+Q to the window under the pointer (the caller put it over the main window);
    the application must end cleanly without having logged a critical."""
    if main_window() is None:
        raise Failure('no main window to quit from')
    # Without a window manager, X keyboard focus can lag behind a window that just closed:
    # a Ctrl+Q sent in that moment goes nowhere. Poll for the exit and press again (a
    # second Ctrl+Q to an application already quitting is harmless).
    for attempt in range(3):
        press_combo(Atspi.ModifierType.CONTROL, ord('q'))
        try:
            app_process.wait(5)
            break
        except subprocess.TimeoutExpired:
            if attempt == 2:
                raise Failure('the application did not quit on Ctrl+Q')
            print('# Ctrl+Q went unheard (attempt %d); pressing again' % (attempt + 1))
    if app_process.returncode != 0:
        raise Failure('the application exited with status %d' % app_process.returncode)
    problems = app_log_problems()
    if problems:
        raise Failure('the application logged:\n' + '\n'.join(problems[:10]))


# Diagnostics -----------------------------------------------------------------------------

def screenshot(path, check=False, timeout=30):
    """The whole X screen as a PNG (imagemagick's import)."""
    quiet = {} if check else {'stdout': subprocess.DEVNULL, 'stderr': subprocess.DEVNULL}
    subprocess.run(['import', '-window', 'root', path], stdin=subprocess.DEVNULL, check=check,
                   timeout=timeout, **quiet)


def dump_tree(acc, out, depth=0):
    try:
        line = '%s%s %r' % ('  ' * depth, acc.get_role_name(), name_of(acc))
        if role_of(acc) in (Atspi.Role.LABEL, Atspi.Role.TEXT, Atspi.Role.ENTRY):
            line += ' text=%r' % text_of(acc)
        states = [Atspi.StateType(s).value_nick for s in acc.get_state_set().get_states()]
        line += ' [%s]' % ','.join(s for s in states if s not in ('sensitive', 'enabled', 'visible'))
    except Exception as e:
        line = '%s<%s>' % ('  ' * depth, e)
    print(line, file=out)
    if depth < 60:
        for child in children(acc):
            dump_tree(child, out, depth + 1)


def save_diagnostics(name):
    """After a failed step: a screenshot, the accessibility tree and the application's
    criticals, in LOG_DIR as ui-NAME-failure.*."""
    os.makedirs(LOG_DIR, exist_ok=True)
    shot = os.path.join(LOG_DIR, 'ui-%s-failure.png' % name)
    screenshot(shot)
    print('# screenshot: %s' % shot)
    app = application()
    if app is not None:
        tree = os.path.join(LOG_DIR, 'ui-%s-failure-tree.txt' % name)
        with open(tree, 'w') as out:
            dump_tree(app, out)
        print('# accessibility tree: %s' % tree)
    if app_log is not None:
        for line in app_log_problems()[:10]:
            print('# application: %s' % line)
        print('# application log: %s' % app_log.name)


# TAP -------------------------------------------------------------------------------------

def skip(reason):
    """The TAP plan of a test that cannot run here; returns meson's "skipped" status."""
    print('1..0 # SKIP %s' % reason)
    return 77


def missing_tool(*tools):
    """The first of these programs that is not installed, or None."""
    for tool in tools:
        if shutil.which(tool) is None:
            return tool
    return None


def run_steps(plan, steps, name, diagnostics=None, cleanup=None):
    """Runs the steps in order, one TAP line each (plan: their descriptions); after a
    failure the rest are skipped.  name names the failure files (save_diagnostics);
    diagnostics() prints more about a failure, cleanup() runs after the last step.
    Returns the exit status."""
    assert len(steps) == len(plan)
    os.makedirs(WORK_DIR, exist_ok=True)
    print('1..%d' % len(plan), flush=True)
    started = time.monotonic()
    failed = False
    for number, (step, description) in enumerate(zip(steps, plan), 1):
        if failed:
            print('ok %d - %s # SKIP an earlier step failed' % (number, description))
            continue
        t0 = time.monotonic()
        try:
            step()
        except Exception as e:
            failed = True
            print('not ok %d - %s' % (number, description))
            message = str(e) if isinstance(e, Failure) else traceback.format_exc()
            for line in message.splitlines():
                print('# %s' % line)
            try:
                save_diagnostics(name)
                if diagnostics is not None:
                    diagnostics()
            except Exception as e2:
                print('# could not save diagnostics: %s' % e2)
        else:
            print('ok %d - %s (%.1f s)' % (number, description, time.monotonic() - t0))
        sys.stdout.flush()
    stop_app()
    if cleanup is not None:
        cleanup()
    print('# total %.1f s' % (time.monotonic() - started))
    return 1 if failed else 0


def run_main(main, cleanup=None):
    """sys.exit(main()), and whatever happens the application (and cleanup()) ends."""
    try:
        sys.exit(main())
    finally:
        stop_app()
        if cleanup is not None:
            cleanup()
