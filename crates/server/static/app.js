// gongkai workspace scripts (no framework, no build step). Every page loads this file;
// each part below starts only if its elements are on the page.
"use strict";
