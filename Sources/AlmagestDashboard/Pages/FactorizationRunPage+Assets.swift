/// The NMF page's stylesheet and script.
///
/// The script switches the relative-error curve between its log and linear axes
/// (`almagest.switcher`, also from `#scale=linear` in the address) and makes the error and
/// effective-rank curves interactive (`almagest.curves`: hover readout, legend toggles).
extension FactorizationRunPage {
    public var assets: PageAssets { PageAssets(css: Self.css, javascript: Self.javascript) }

    private static let css = """
        .nmf-page p.stop { margin: 4px 0 8px; }
        .nmf-page section + .figures, .nmf-page section + figure { margin-top: 12px; }
        """

    private static let javascript = """
        almagest.page('.nmf-page', { 'error-curve': 'scale' });
        """
}
