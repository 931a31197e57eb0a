/// The NMF page's stylesheet and script.
///
/// The script switches the relative-error curve between its log and linear axes
/// (`almagest.switcher`, also from `#scale=linear` in the address) and makes the error and
/// effective-rank curves interactive (`almagest.curves`: hover readout, legend toggles).
extension FactorizationRunPage {
    public var assets: PageAssets { PageAssets(css: Self.css, javascript: Self.javascript) }

    private static let css = """
        .nmf-page p.stop { margin: 4px 0 8px; }
        .nmf-page .switcher { background: #fff; border: 1px solid var(--line); padding: 6px; }
        .nmf-page .switcher figure.chart { border: 0; padding: 0; }
        """

    private static let javascript = """
        var page = document.querySelector('.nmf-page');
        if (!page) { return; }
        almagest.switcher(page.querySelector('#error-curve'), 'scale');
        page.setAttribute('data-curves', String(almagest.curves(page)));
        """
}
