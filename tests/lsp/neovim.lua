-- Run by tests/lsp.rs: Neovim headless starts `retrobook lsp` on a retro,
-- waits for its diagnostics and asks for a completion. Written for
-- Debian's Neovim 0.7 (vim.lsp.start_client; vim.lsp.start is 0.8+).
local bin, root, file, out = os.getenv("RB_BIN"), os.getenv("RB_ROOT"), os.getenv("RB_FILE"), os.getenv("RB_OUT")
local line, character = tonumber(os.getenv("RB_LINE")), tonumber(os.getenv("RB_CHARACTER"))
local lines = {}
local function finish()
  vim.fn.writefile(lines, out)
  vim.cmd("qall!")
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = "retrobook",
  cmd = { bin, "lsp", "--today", "2026-11-27" },
  root_dir = root,
})
vim.lsp.buf_attach_client(buf, id)
local ok = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
if not ok then
  table.insert(lines, "no diagnostics")
  return finish()
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(lines, "diagnostic " .. d.lnum .. " " .. (d.message:gsub("\n", " ")))
end
local client = vim.lsp.get_client_by_id(id)
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
local response = client.request_sync("textDocument/completion", params, 10000, buf)
local result = response and response.result or {}
for _, item in ipairs(result.items or result) do
  table.insert(lines, "completion " .. item.label)
end
finish()
