// Escaping for untrusted text (dataset and model text, labels, error messages).

/** JSON safe inside <script type="application/json">: no `<` survives, so `</script>` and `<!--`
 * cannot end or alter the element; U+2028/2029 escaped too, for any JavaScript parser. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Text for a Markdown table cell or line (never at the start of a line): HTML-significant
 * characters as entities (GitHub renders inline HTML), the inline Markdown punctuation that makes
 * emphasis, code, links or table cells backslash-escaped, newlines flattened.
 */
export function escapeMarkdown(s: string): string {
  return String(s)
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]|~])/g, '\\$1');
}
