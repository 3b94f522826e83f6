/* Starts the vendored GraphiQL on /graphql (no CDN): queries go to this same URL with the
   page's cookies; the CSRF token travels in a header like every other write. */
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var headers = meta && meta.content ? { "X-CSRF-Token": meta.content } : {};
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname, headers: headers });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
