// eslint for the addon's JavaScript: ES modules loaded by Odoo's asset bundles, and the
// tours. The rules are the errors of OCA's configuration that apply to modern Odoo code.
const js = require("@eslint/js");
const globals = require("globals");
const jsdoc = require("eslint-plugin-jsdoc");

module.exports = [
    js.configs.recommended,
    {
        files: ["static/**/*.js"],
        plugins: {jsdoc},
        languageOptions: {
            ecmaVersion: 2024,
            sourceType: "module",
            globals: {...globals.browser, odoo: "readonly"},
        },
        rules: {
            "dot-notation": "error",
            eqeqeq: "error",
            "no-duplicate-imports": "error",
            "no-else-return": "error",
            "no-empty-function": "error",
            "no-eq-null": "error",
            "no-eval": "error",
            "no-implicit-coercion": ["error", {allow: ["~"]}],
            "no-lonely-if": "error",
            "no-return-assign": "error",
            "no-shadow": "error",
            "no-unneeded-ternary": "error",
            "no-unused-expressions": "error",
            "no-use-before-define": ["error", {functions: false}],
            "no-useless-concat": "error",
            "no-var": "error",
            "operator-assignment": ["error", "always"],
            "prefer-const": "error",
            radix: "error",
            "spaced-comment": ["error", "always"],
            yoda: "error",
            "jsdoc/check-tag-names": "error",
            "jsdoc/check-types": "error",
        },
    },
];
