// Cell renderer: document ids as links to the document view. Built with React elements, so
// the ids are text, never HTML; navigation works like dcc.Link (no page reload).
var dagcomponentfuncs = (window.dashAgGridComponentFunctions =
  window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.NavoDocLinks = function (props) {
  var ids = String(props.value || "").split(/,\s*/).filter(Boolean);
  var extra = props.query ? "&" + props.query : "";
  var children = [];
  ids.forEach(function (id, i) {
    if (i) children.push(", ");
    var href = "/documents?doc=" + encodeURIComponent(id) + extra;
    children.push(
      React.createElement(
        "a",
        {
          key: id + i,
          href: href,
          className: "doc-link",
          onClick: function (e) {
            if (e.ctrlKey || e.metaKey || e.shiftKey || e.button) return;
            e.preventDefault();
            e.stopPropagation();
            window.history.pushState({}, "", href);
            window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
            window.scrollTo(0, 0);
          },
        },
        id
      )
    );
  });
  return React.createElement("span", null, children);
};
