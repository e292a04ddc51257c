// The console's pages, by role. A page is a custom element in its own module, loaded when an agent
// with one of its roles logs in; the shell shows a nav when a role has more than one page.
// To add a page (supervisor figures, the content team's inbox, tickets): write the module, add a row.
//
// The shell gives each page `session` (REST + socket, see session.js) and `agent` before it is
// connected, then calls `page.start()`; `page.shown(true|false)` tells it when it is on screen.

export const PAGES = [
  // the supervisor's overview first: a supervisor lands on it (issue 14)
  { id: "supervisor", title: "Genel bakış", tag: "console-supervisor", module: "./supervisor.js", roles: ["supervisor"] },
  // the content team's page first: an editor lands on it (agents never see it)
  { id: "content", title: "İçerik", tag: "console-content", module: "./content.js", roles: ["editor"] },
  { id: "chats", title: "Sohbetler", tag: "console-chats", module: "./chats.js", roles: ["agent", "supervisor", "editor"] },
  // tickets (e-mail, callback, complaint, fraud, KVKK, bonus dispute) with their SLA (issue 14)
  { id: "tickets", title: "Talepler", tag: "console-tickets", module: "./tickets.js", roles: ["agent", "supervisor"] },
];

export const DEFAULT_ROLE = "agent";

export function pagesFor(role) {
  return PAGES.filter((p) => p.roles.includes(role || DEFAULT_ROLE));
}
