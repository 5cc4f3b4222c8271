// Django's SelectFilter2.js (the admin's two-list widget, e.g. a user's groups and permissions)
// labels its search icon with aria-label on a role-less <span>, which ARIA does not allow
// (axe aria-prohibited-attr, WCAG 4.1.2). The widget is built on "load"; this script, at the
// end of the page, adds its listener after the widget's, so it runs once the icons exist.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    document.querySelectorAll(".search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  });
})();
