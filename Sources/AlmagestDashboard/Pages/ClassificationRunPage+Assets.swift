/// The classification page's stylesheet and script.
///
/// The script switches the confusion matrix between counts and recall (`almagest.switcher`, also
/// from `#confusion=recall` in the address) and makes the training curves interactive
/// (`almagest.curves`: hover readout, legend entries toggle their series).
extension ClassificationRunPage {
    public var assets: PageAssets { PageAssets(css: Self.css, javascript: Self.javascript) }

    private static let css = """
        .classification-page .confusion h2 { margin: 0 0 4px; }
        """

    private static let javascript = """
        almagest.page('.classification-page', { confusion: 'confusion' });
        """
}
