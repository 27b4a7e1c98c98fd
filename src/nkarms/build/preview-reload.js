// Live preview only (python -m nkarms.build.serve): reload the page when the server says a rebuild finished.
// A file, not sphinx-autobuild's inline script, so that the pages' Content-Security-Policy
// (scripts from 'self' only, connections to 'self') lets it run.
(function () {
  const socket = new WebSocket(`ws://${window.location.host}/websocket-reload`);
  socket.onmessage = () => window.location.reload();
})();
