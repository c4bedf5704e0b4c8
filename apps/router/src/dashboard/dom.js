// Building DOM without innerHTML: every value from the server is customer or user text, so it only
// ever becomes a text node or an attribute value (no markup, no inline script or style: strict CSP).

/** h('li', { class: 'card', 'data-id': id, text: 'x' }, child, [children], 'text') */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const k in attrs) {
      const v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'class') node.className = v;
      else if (k === 'hidden') node.hidden = true;
      else if (k === 'disabled') node.disabled = true;
      else if (k === 'checked') node.checked = true;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export const $ = (id) => document.getElementById(id);

/** Replaces a select's options when they differ (keeps the user's choice when it still exists). */
export function setOptions(select, options) {
  const have = Array.prototype.map.call(select.options, (o) => o.value + '\u0000' + o.textContent).join('\u0001');
  const want = options.map((o) => o.value + '\u0000' + o.label).join('\u0001');
  if (have === want) return;
  const value = select.value;
  select.replaceChildren(...options.map((o) => h('option', { value: o.value, text: o.label })));
  if (options.some((o) => o.value === value)) select.value = value;
}
