// Cell renderers for the trials grid. Registry links are built server-side from validated IDs only;
// this renderer still refuses anything that is not an https URL, and opens it without an opener.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.RegistryLink = function (props) {
  var url = props.data && props.data.url;
  if (typeof url !== "string" || url.indexOf("https://") !== 0) {
    return props.value;
  }
  return React.createElement(
    "a",
    { href: url, target: "_blank", rel: "noopener noreferrer", title: "Open the registry record" },
    props.value
  );
};
