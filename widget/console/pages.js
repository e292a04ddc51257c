// The console's pages, by role. A page is a custom element in its own module, loaded when an agent
// with one of its roles logs in; the shell shows a nav when a role has more than one page.
// To add a page (supervisor figures, the content team's inbox, tickets): write the module, add a row.
//
// The shell gives each page `session` (REST + socket, see session.js) and `agent` before it is
// connected, then calls `page.start()`; `page.shown(true|false)` tells it when it is on screen.

export const PAGES = [
  // the content team's page first: an editor lands on it (agents never see it)
  { id: "content", title: "İçerik", tag: "console-content", module: "./content.js", roles: ["editor"] },
  { id: "chats", title: "Sohbetler", tag: "console-chats", module: "./chats.js", roles: ["agent", "supervisor", "editor"] },
];

export const DEFAULT_ROLE = "agent";

export function pagesFor(role) {
  return PAGES.filter((p) => p.roles.includes(role || DEFAULT_ROLE));
}
