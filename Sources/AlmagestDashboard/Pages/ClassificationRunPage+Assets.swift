/// The classification page's stylesheet and script.
///
/// The script switches the confusion matrix between counts and recall (`almagest.switcher`, also
/// from `#confusion=recall` in the address) and makes the training curves interactive
/// (`almagest.curves`: hover readout, legend entries toggle their series).
extension ClassificationRunPage {
    public var assets: PageAssets { PageAssets(css: Self.css, javascript: Self.javascript) }

    private static let css = """
        .classification-page .confusion { background: #fff; border: 1px solid var(--line); padding: 6px; }
        .classification-page .confusion h2 { margin: 0 0 4px; }
        .classification-page .confusion figure.chart { border: 0; padding: 0; }
        """

    private static let javascript = """
        var page = document.querySelector('.classification-page');
        if (!page) { return; }
        almagest.switcher(page.querySelector('#confusion'), 'confusion');
        page.setAttribute('data-curves', String(almagest.curves(page)));
        """
}
