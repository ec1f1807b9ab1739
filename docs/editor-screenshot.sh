#!/bin/sh
# Retakes docs/screenshots/editor-neovim.png: `retrobook lsp` in Neovim, with
# a diagnostic (a mistyped factor id) and the completion menu in `factors: [`.
#
#   docs/editor-screenshot.sh [path/to/retrobook]   (default: $CARGO_TARGET_DIR or target, debug/retrobook)
#
# Needs nvim (0.7+), tmux, python3 and chromium. Neovim runs in a detached tmux
# pane on a copy of retros/ and book.toml; the pane's text and colours
# (`capture-pane -e`) become HTML, which headless chromium photographs.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-${CARGO_TARGET_DIR:-$repo/target}/debug/retrobook}")
out="$repo/docs/screenshots/editor-neovim.png"
retro=retros/2026/2026-07-21-payments-pool-exhaustion.md
work=$(mktemp -d)
sock="retrobook-shot-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cp -a "$repo/retros" "$repo/book.toml" "$work/"
# The mistake to show: AI-2 names a factor this retro does not define.
sed -i 's/factors: \[load-test-psp-stub\]/factors: [load-test-psp-stup]/' "$work/$retro"

# The client as docs/editors.md sets it up, in the form Neovim 0.7 knows.
cat > "$work/init.lua" <<EOF
vim.o.termguicolors = true
vim.o.background = "dark"
vim.cmd("colorscheme slate")
vim.cmd("highlight SignColumn guibg=NONE")
vim.cmd("highlight Pmenu guifg=#e5e5e5 guibg=#3a3a3a")
vim.cmd("highlight PmenuSel guifg=#ffffff guibg=#005f87")
vim.o.number = true
vim.o.wrap = false
vim.o.signcolumn = "yes"
vim.o.completeopt = "menuone,noinsert"
vim.o.shortmess = vim.o.shortmess .. "c"
-- Findings follow the typing, as in an editor set up for it.
vim.diagnostic.config({ update_in_insert = true })
vim.api.nvim_create_autocmd("FileType", {
  pattern = "markdown",
  callback = function(args)
    local id = vim.lsp.start_client({
      name = "retrobook",
      cmd = { "$bin", "lsp", "--today", "2026-11-27" },
      root_dir = "$work",
    })
    vim.lsp.buf_attach_client(args.buf, id)
    vim.bo[args.buf].omnifunc = "v:lua.vim.lsp.omnifunc"
  end,
})
EOF

tmux -L "$sock" -f /dev/null new-session -d -x 150 -y 35 -c "$work" \
  "TERM=tmux-256color nvim -i NONE -u init.lua +104 +'normal! zt' $retro"
pane() { tmux -L "$sock" capture-pane -p -e -t 0; }
wait_for() {
  for _ in $(seq 100); do pane | grep -q "$1" && return 0; sleep 0.2; done
  echo "timed out waiting for: $1" >&2; pane >&2; exit 1
}
wait_for 'names factor'
# AI-3's factors: empty the list, type in it and ask for completion (<C-x><C-o>).
tmux -L "$sock" send-keys -t 0 ':122' Enter '0f[ldi[i' C-x C-o
wait_for 'psp-latency-spike'  # a factor no item names: so the menu is open
sleep 1
pane > "$work/pane.ansi"

python3 - "$work/pane.ansi" "$work/pane.html" <<'EOF'
# ANSI SGR (as tmux capture-pane -e writes it) to HTML: one span per run.
import html, re, sys

BASE = ["#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
        "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"]

def xterm(n):
    if n < 16:
        return BASE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)

def apply(codes, st):
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            st.clear()
        elif c == 1:
            st["b"] = True
        elif c == 22:
            st.pop("b", None)
        elif c in (3, 4):
            st["u" if c == 4 else "i"] = True
        elif c in (23, 24):
            st.pop("i" if c == 23 else "u", None)
        elif c == 7:
            st["r"] = True
        elif c == 27:
            st.pop("r", None)
        elif c in (38, 48):
            key = "fg" if c == 38 else "bg"
            if codes[i + 1] == 5:
                st[key] = xterm(codes[i + 2])
                i += 2
            else:
                st[key] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                i += 4
        elif c in (39, 49):
            st.pop("fg" if c == 39 else "bg", None)
        elif 30 <= c <= 37 or 90 <= c <= 97:
            st["fg"] = BASE[c - 30 if c < 90 else c - 82]
        elif 40 <= c <= 47 or 100 <= c <= 107:
            st["bg"] = BASE[c - 40 if c < 100 else c - 92]
        i += 1

def style(st):
    fg, bg = st.get("fg"), st.get("bg")
    if st.get("r"):
        fg, bg = bg or "#1c1c1c", fg or "#e5e5e5"
    css = []
    if fg: css.append("color:" + fg)
    if bg: css.append("background:" + bg)
    if st.get("b"): css.append("font-weight:bold")
    if st.get("i"): css.append("font-style:italic")
    if st.get("u"): css.append("text-decoration:underline")
    return ";".join(css)

out, st = [], {}
for part in re.split(r"(\x1b\[[0-9;:]*m)", open(sys.argv[1], encoding="utf-8").read()):
    if part.startswith("\x1b["):
        apply([int(x or 0) for x in re.split("[;:]", part[2:-1])], st)
    elif part:
        css = style(st)
        text = html.escape(part)
        out.append('<span style="%s">%s</span>' % (css, text) if css else text)
page = """<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: #1c1c1c; }
pre { margin: 0; padding: 10px 12px; color: #e5e5e5; background: #262626;
      font: 13px/17px "DejaVu Sans Mono", monospace; }
</style><pre>%s</pre>""" % "".join(out)
open(sys.argv[2], "w", encoding="utf-8").write(page)
EOF

mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --hide-scrollbars --screenshot="$out" --window-size=1200,615 "file://$work/pane.html" 2>/dev/null
echo "wrote $out"
