import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    """Search documents fold accents and case (modules/core/search.py). Django cannot change a
    generated column's expression, so each is dropped with its indexes and built again."""

    dependencies = [
        ('crm', '0002_lead_import'),
    ]

    operations = [
        migrations.AddField(
            model_name='deal',
            name='search_document',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.Value('simple'), django.db.models.functions.text.Lower(models.Func(django.db.models.functions.text.Concat(django.db.models.functions.comparison.Coalesce('title', models.Value('')), models.Value(' '), output_field=models.TextField()), models.Value(' eaoisrnltdcumhpgbfvyqkjwxz@.0123456789EAOISRNLTDCUMHPGBFVYQKJWXZª²³¹ºÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĲĴĵĶķĹĺĻļĽľĿŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſøđħłŧ̧̨̀́̂̃̄̆̇̈̊̋̌'), models.Value(' eaoisrnltdcumhpgbfvyqkjwxz@.0123456789eaoisrnltdcumhpgbfvyqkjwxza231oaaaaaaæceeeeiiiiðnoooooouuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccdddeeeeeeeeeegggggggghhhiiiiiiiiiĳjjkkllllllŀlnnnnnnŋooooooœrrrrrrsssssssstttttuuuuuuuuuuuuwwyyyzzzzzzsodhlt'), function='translate', output_field=models.TextField())), function='to_tsvector', output_field=django.contrib.postgres.search.SearchVectorField(), template='%(function)s(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='crm_contact_search_idx',
        ),
        migrations.RemoveField(
            model_name='contact',
            name='search_document',
        ),
        migrations.AddField(
            model_name='contact',
            name='search_document',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.Value('simple'), django.db.models.functions.text.Lower(models.Func(django.db.models.functions.text.Concat(django.db.models.functions.comparison.Coalesce('name', models.Value('')), models.Value(' '), django.db.models.functions.comparison.Coalesce('email', models.Value('')), models.Value(' '), models.Func(models.F('email'), models.Value('@.+'), models.Value('   '), function='translate'), models.Value(' '), django.db.models.functions.comparison.Coalesce('company', models.Value('')), models.Value(' '), django.db.models.functions.comparison.Coalesce('phone', models.Value('')), models.Value(' '), models.Func(models.F('phone'), models.Value('+'), function='ltrim'), models.Value(' '), output_field=models.TextField()), models.Value(' eaoisrnltdcumhpgbfvyqkjwxz@.0123456789EAOISRNLTDCUMHPGBFVYQKJWXZª²³¹ºÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĲĴĵĶķĹĺĻļĽľĿŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſøđħłŧ̧̨̀́̂̃̄̆̇̈̊̋̌'), models.Value(' eaoisrnltdcumhpgbfvyqkjwxz@.0123456789eaoisrnltdcumhpgbfvyqkjwxza231oaaaaaaæceeeeiiiiðnoooooouuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccdddeeeeeeeeeegggggggghhhiiiiiiiiiĳjjkkllllllŀlnnnnnnŋooooooœrrrrrrsssssssstttttuuuuuuuuuuuuwwyyyzzzzzzsodhlt'), function='translate', output_field=models.TextField())), function='to_tsvector', output_field=django.contrib.postgres.search.SearchVectorField(), template='%(function)s(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.RemoveIndex(
            model_name='lead',
            name='crm_lead_search_idx',
        ),
        migrations.RemoveIndex(
            model_name='lead',
            name='crm_lead_score_idx',
        ),
        migrations.RemoveField(
            model_name='lead',
            name='search_document',
        ),
        migrations.AddField(
            model_name='lead',
            name='search_document',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.Value('simple'), django.db.models.functions.text.Lower(models.Func(django.db.models.functions.text.Concat(django.db.models.functions.comparison.Coalesce('name', models.Value('')), models.Value(' '), django.db.models.functions.comparison.Coalesce('email', models.Value('')), models.Value(' '), models.Func(models.F('email'), models.Value('@.+'), models.Value('   '), function='translate'), models.Value(' '), django.db.models.functions.comparison.Coalesce('company', models.Value('')), models.Value(' '), django.db.models.functions.comparison.Coalesce('phone', models.Value('')), models.Value(' '), models.Func(models.F('phone'), models.Value('+'), function='ltrim'), models.Value(' '), output_field=models.TextField()), models.Value(' eaoisrnltdcumhpgbfvyqkjwxz@.0123456789EAOISRNLTDCUMHPGBFVYQKJWXZª²³¹ºÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĲĴĵĶķĹĺĻļĽľĿŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſøđħłŧ̧̨̀́̂̃̄̆̇̈̊̋̌'), models.Value(' eaoisrnltdcumhpgbfvyqkjwxz@.0123456789eaoisrnltdcumhpgbfvyqkjwxza231oaaaaaaæceeeeiiiiðnoooooouuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccdddeeeeeeeeeegggggggghhhiiiiiiiiiĳjjkkllllllŀlnnnnnnŋooooooœrrrrrrsssssssstttttuuuuuuuuuuuuwwyyyzzzzzzsodhlt'), function='translate', output_field=models.TextField())), function='to_tsvector', output_field=django.contrib.postgres.search.SearchVectorField(), template='%(function)s(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='deal',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_document'], name='crm_deal_search_idx'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_document'], name='crm_contact_search_idx'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_document'], name='crm_lead_search_idx'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['-score', '-id'], include=['status', 'search_document'], name='crm_lead_score_idx'),
        ),
    ]
