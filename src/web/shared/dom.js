// @ts-check
// Shared by the console pages: finding the page's elements and building new ones. Nothing here parses HTML, so
// whatever the API sends (user text can hold markup) reaches the page as text.

/**
 * A child for el(): strings become text nodes (Element#append), never markup; null, undefined and false are left
 * out, so a child can be written as `cond ? node : null`.
 * @typedef {Node | string | null | undefined | false} Leaf
 */

/**
 * A child, or a list of them (spread into the element: helpers return several nodes as one value).
 * @typedef {Leaf | readonly Leaf[]} Child
 */

/**
 * @overload
 * @param {string} id
 * @returns {HTMLElement}
 */
/**
 * @template {HTMLElement} T
 * @overload
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
/**
 * The page's element with this id, of this type (HTMLElement unless named): the pages are static, so a missing or
 * different element is a bug in the page, said at once by name instead of as a TypeError somewhere later.
 * @param {string} id
 * @param {new () => HTMLElement} [type]
 * @returns {HTMLElement}
 */
export function byId(id, type = HTMLElement) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`The page has no ${type.name} #${id}`);
  return node;
}

/**
 * Array.isArray() narrows a readonly array to `any[]`; this keeps the type of its items.
 * @param {Child} child
 * @returns {child is readonly Leaf[]}
 */
const isList = (child) => Array.isArray(child);

/**
 * @param {Element} node
 * @param {readonly Child[]} children
 */
function appendAll(node, children) {
  for (const child of children) {
    for (const leaf of isList(child) ? child : [child]) {
      if (leaf !== null && leaf !== undefined && leaf !== false) node.append(leaf);
    }
  }
}

/**
 * Creates an element with these properties and children (see Child: text stays text).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Partial<HTMLElementTagNameMap[K]> | null} [props]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props ?? {});
  appendAll(node, children);
  return node;
}
