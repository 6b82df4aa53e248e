// A question in the page (not window.confirm): a dialog whose buttons answer it.

/** Shows `dialog` (a <dialog> whose form has method="dialog"); true when it is closed with the button valued "yes". */
export function ask(dialog) {
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}
