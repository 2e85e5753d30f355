/**
 * A strict, small XML well-formedness checker for the reports' inline SVG (no XML parser is
 * installed, and the reports must not depend on a browser to be checked): one root element,
 * balanced and properly nested tags, quoted and unique attributes, only the five predefined
 * entities and numeric character references, no "<" in attribute values or text.
 * Returns null when well-formed, else a message with the offset.
 */
const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

function checkText(text: string, at: number): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<') return `"<" in text at ${at + i}`;
    if (c === '&' && !ENTITY.test(text.slice(i))) return `bad entity at ${at + i}`;
  }
  return null;
}

export function xmlWellFormedError(xml: string): string | null {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? xml.length : lt;
    const text = xml.slice(i, textEnd);
    const textError = checkText(text, i);
    if (textError !== null) return textError;
    if (stack.length === 0 && text.trim() !== '') return `text outside the root at ${i}`;
    if (lt === -1) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1) return `unterminated comment at ${lt}`;
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      if (end === -1 || stack.length === 0) return `bad CDATA at ${lt}`;
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt);
      if (end === -1) return `unterminated processing instruction at ${lt}`;
      i = end + 2;
      continue;
    }
    if (xml.startsWith('</', lt)) {
      const m = NAME.exec(xml.slice(lt + 2));
      if (m === null) return `bad end tag at ${lt}`;
      const after = lt + 2 + m[0].length;
      const close = xml.indexOf('>', after);
      if (close === -1 || xml.slice(after, close).trim() !== '') return `bad end tag at ${lt}`;
      const open = stack.pop();
      if (open !== m[0]) return `</${m[0]}> closes <${open ?? 'nothing'}> at ${lt}`;
      i = close + 1;
      continue;
    }
    const m = NAME.exec(xml.slice(lt + 1));
    if (m === null) return `bad start tag at ${lt}`;
    const name = m[0];
    let j = lt + 1 + name.length;
    const seen = new Set<string>();
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(j))?.[0].length ?? 0;
      j += ws;
      if (xml.startsWith('/>', j) || xml[j] === '>') break;
      if (ws === 0) return `missing space before attribute at ${j}`;
      const an = NAME.exec(xml.slice(j));
      if (an === null) return `bad attribute at ${j}`;
      if (seen.has(an[0])) return `duplicate attribute ${an[0]} at ${j}`;
      seen.add(an[0]);
      j += an[0].length;
      const eq = /^\s*=\s*/.exec(xml.slice(j));
      if (eq === null) return `attribute ${an[0]} without value at ${j}`;
      j += eq[0].length;
      const q = xml[j];
      if (q !== '"' && q !== "'") return `unquoted attribute ${an[0]} at ${j}`;
      const endQ = xml.indexOf(q, j + 1);
      if (endQ === -1) return `unterminated attribute ${an[0]} at ${j}`;
      const valueError = checkText(xml.slice(j + 1, endQ), j + 1);
      if (valueError !== null) return valueError;
      j = endQ + 1;
    }
    if (stack.length === 0) {
      roots++;
      if (roots > 1) return `second root element at ${lt}`;
    }
    if (xml.startsWith('/>', j)) i = j + 2;
    else {
      stack.push(name);
      i = j + 1;
    }
  }
  if (stack.length > 0) return `unclosed <${stack[stack.length - 1] ?? ''}>`;
  if (roots !== 1) return 'no root element';
  return null;
}

/** Every `<svg ...>...</svg>` in an HTML document (the reports never nest them). */
export function svgElements(html: string): string[] {
  return html.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
}

/** URLs a browser would fetch or follow: src/href attribute values and CSS url(...). */
export function externalReferences(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\b(?:src|href|xlink:href|action|poster|srcset)\s*=\s*["']?([^"'\s>]+)/gi)) out.push(m[1] ?? '');
  for (const m of html.matchAll(/url\(\s*["']?([^"')]+)/gi)) out.push(m[1] ?? '');
  for (const m of html.matchAll(/@import\s+["']?([^"';\s]+)/gi)) out.push(m[1] ?? '');
  return out;
}
